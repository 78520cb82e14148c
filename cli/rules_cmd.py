"""``belcoach rules``: list the coaching rules, test a sentence against them, check rule files.

- ``belcoach rules list [--language nl] [--category avoid] [-p]``: every rule in
  force, grouped by language and category, with its first suggestion
  (``-p`` adds the patterns and exceptions);
- ``belcoach rules show ID``: one rule in full, with the seed's own words;
- ``belcoach rules test "sentence" [--language nl] [--customer "Met Peter de Vries"]``:
  which rules the sentence triggers as the agent's first words in a call, and
  why: the pattern, words heard differently, an exception that cancelled a match;
- ``belcoach rules check FILE...``: validate coach / IT rule files (exit 2 on problems).

``--rules-file`` adds coach / IT files on top of the packaged packs, and
``--disable`` switches rules off, as the ``[analysis.rules]`` settings do.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from belcoach.audio.analysis.phrases.analyser import PhraseAnalyser, RulesConfig
from belcoach.audio.analysis.phrases.matcher import Finding
from belcoach.audio.analysis.phrases.tokens import words_from_text
from belcoach.audio.events import PhraseHit
from belcoach.seeds.loader import RuleBook, check_file, load_rules, packaged_languages
from belcoach.seeds.rule_schema import CATEGORIES, Rule

CATEGORY_TITLES = {
    "avoid": "avoid (hurts the call)",
    "stock_phrase": "stock phrases",
    "address": "informal address",
    "positive": "positive signals",
    "promise": "promises (follow-up items)",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``rules`` command and its subcommands."""
    p = sub.add_parser(
        "rules",
        help="list, test and check the coaching phrase rules",
        description="The coaching phrase rules from the seed texts, per language.",
    )
    rules_sub = p.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", required=True)

    def common(q: argparse.ArgumentParser, *, language_default: str | None) -> None:
        q.add_argument(
            "--language",
            "-l",
            default=language_default,
            help="call language (nl, sv, en)" + ("" if language_default else "; default: all"),
        )
        q.add_argument(
            "--rules-file",
            action="append",
            default=[],
            metavar="FILE",
            help="a coach / IT rule file laid over the packaged rules (repeatable)",
        )
        q.add_argument(
            "--disable", action="append", default=[], metavar="ID", help="switch a rule off"
        )

    q = rules_sub.add_parser("list", help="list the rules in force")
    common(q, language_default=None)
    q.add_argument("--category", choices=sorted(CATEGORIES), help="only this category")
    q.add_argument("--patterns", "-p", action="store_true", help="show patterns and exceptions")
    q.set_defaults(func=run_list)

    q = rules_sub.add_parser("show", help="show one rule in full")
    q.add_argument("rule_id", metavar="ID")
    common(q, language_default=None)
    q.set_defaults(func=run_show)

    q = rules_sub.add_parser("test", help="show which rules a sentence triggers, and why")
    q.add_argument("sentence", help="what the agent says (quote it)")
    common(q, language_default="nl")
    q.add_argument(
        "--customer",
        default=None,
        help="what the customer said first, e.g. 'Met Peter de Vries' (for the name rule)",
    )
    q.set_defaults(func=run_test)

    q = rules_sub.add_parser("check", help="validate coach / IT rule files")
    q.add_argument("files", nargs="+", metavar="FILE")
    q.add_argument("--language", "-l", default=None, help="check against this language's pack")
    q.set_defaults(func=run_check)


def _languages(args: argparse.Namespace) -> list[str]:
    if args.language:
        from belcoach.audio.languages import check_language

        return [check_language(args.language)]
    return list(packaged_languages())


def _book(language: str, args: argparse.Namespace) -> RuleBook:
    book = load_rules(language, extra_files=args.rules_file, disabled=args.disable)
    for problem in book.problems:
        print(f"belcoach: warning: {problem}", file=sys.stderr)
    return book


def run_list(args: argparse.Namespace) -> int:
    """Run ``belcoach rules list``."""
    for language in _languages(args):
        book = _book(language, args)
        rules = [r for r in book.rules if not args.category or r.category == args.category]
        print(f"{language}: {len(rules)} rules ({', '.join(book.files) or 'no pack'})")
        for category in CATEGORIES:
            group = [r for r in rules if r.category == category]
            if not group:
                continue
            print(f"  {CATEGORY_TITLES[category]}:")
            for rule in group:
                print(f"    {_rule_line(rule)}")
                if args.patterns:
                    for pattern in rule.patterns:
                        print(f"        say:    {pattern}")
                    for pattern in rule.exceptions:
                        print(f"        unless: {pattern}")
        print()
    return 0


def _rule_line(rule: Rule) -> str:
    tags = [rule.severity]
    if rule.kind != "phrase":
        tags.append(rule.kind)
    if rule.when != "any":
        tags.append(rule.when)
    if rule.silent:
        tags.append(f"silent, {rule.channel}")
    example = rule.patterns[0] if rule.patterns else ""
    advice = f" → {rule.suggestions[0]}" if rule.suggestions else ""
    return f"{rule.id:<32} [{', '.join(tags)}] {example}{advice}"


def run_show(args: argparse.Namespace) -> int:
    """Run ``belcoach rules show``."""
    language = args.language or args.rule_id.split(".", 1)[0]
    book = _book(language, args)
    rule = book.get(args.rule_id)
    if rule is None:
        from belcoach.core.errors import ConfigError

        known = ", ".join(r.id for r in book.rules)
        raise ConfigError(f"no rule {args.rule_id!r} for {language!r} (known: {known})")
    wrap = textwrap.TextWrapper(width=100, subsequent_indent=" " * 16)
    rows = [
        ("id", rule.id),
        ("category", f"{rule.category} ({rule.polarity}), {rule.severity}, kind {rule.kind}"),
        ("context", _context(rule)),
        ("patterns", "; ".join(rule.patterns)),
        ("exceptions", "; ".join(rule.exceptions)),
        ("say instead", " | ".join(rule.suggestions)),
        ("why", rule.why),
        ("source", rule.source),
        ("seed says", rule.seed_quote),
        ("note", rule.note),
        ("defined at", rule.origin),
    ]
    for part in rule.parts:
        rows.append((f"part {part.name}", f"{'; '.join(part.patterns)} → {part.suggestion}"))
    for name, value in rows:
        if value:
            print(wrap.fill(f"{name + ':':<15} {value}"))
    return 0


def _context(rule: Rule) -> str:
    bits = []
    if rule.channel != "agent":
        bits.append(f"on the {rule.channel}'s words")
    if rule.silent:
        bits.append("silent (remembered for other rules, never shown)")
    if rule.when == "opening":
        bits.append("only in the opening of the call")
    if rule.not_after:
        bits.append(f"not after {', '.join(rule.not_after)}")
    if rule.max_per_call:
        bits.append(f"at most {rule.max_per_call} per call")
    if rule.after:
        bits.append(f"checks the words after {rule.after}")
    return "; ".join(bits)


def run_test(args: argparse.Namespace) -> int:
    """Run ``belcoach rules test``."""
    language = _languages(args)[0]
    book = _book(language, args)
    analyser = PhraseAnalyser(language, RulesConfig(), book=book)
    if args.customer:
        analyser.customer_words(words_from_text(args.customer, start=0.0))
    words = words_from_text(args.sentence, start=3.0)
    if not words:
        print("nothing to test: the sentence is empty")
        return 0
    # what the matcher sees, including matches that exceptions cancel
    tokens, sim = analyser.matcher.tokens(words)
    phrase_rules = [r for r in book.rules if r.channel == "agent" and r.variants]
    findings = {f.rule.id: f for f in analyser.matcher.find(tokens, sim, phrase_rules)}
    hits = [e for e in analyser.agent_words(words) if isinstance(e, PhraseHit)]
    print(f"{language}: {' '.join(t.text for t in tokens)}")
    if not hits and not findings:
        print("  no rule matches")
    model = analyser.words_model.said(tokens) if analyser.words_model else {}
    for hit in hits:
        learnt = model.get(hit.rule_id) if hit.rule_id not in findings else None
        _print_hit(hit, findings.get(hit.rule_id), learnt[0] if learnt else None)
    shown = {h.rule_id for h in hits}
    for finding in findings.values():
        if finding.rule.id in shown:
            continue
        said = " ".join(t.text for t in tokens[finding.span.start : finding.span.stop])
        if finding.cancelled_by:
            print(
                f"  - {finding.rule.id}: matched {said!r} ({finding.pattern}), "
                f"but the exception {finding.cancelled_by!r} makes it fine"
            )
        elif not finding.rule.silent:
            print(f"  - {finding.rule.id}: matched {said!r}, but {_why_silent(finding.rule)}")
    return 0


def _print_hit(hit: PhraseHit, finding: Finding | None, learnt: float | None = None) -> None:
    mark = "!" if hit.polarity == "avoid" else "+"
    print(f"  {mark} {hit.rule_id} ({hit.category}, {hit.severity}): {hit.said!r}")
    if learnt is not None:
        print(f"      read by the learnt words model (p {learnt:.2f}); no pattern matched")
    if finding is not None:
        print(f"      pattern: {finding.pattern or finding.span.variant.describe()}")
        for wanted, heard in finding.span.fuzzy:
            print(f"      heard {heard!r} for {wanted!r} (tolerated transcription error)")
    for suggestion in hit.suggestions:
        print(f"      say instead: {suggestion}")
    print(f"      why: {hit.why} [{hit.source}]")


def _why_silent(rule: Rule) -> str:
    if rule.when == "opening":
        return "it only counts in the opening of the call"
    if rule.not_after:
        return f"it is silenced once {', '.join(rule.not_after)} matched"
    return "the call context silences it"


def run_check(args: argparse.Namespace) -> int:
    """Run ``belcoach rules check``."""
    problems: list[str] = []
    for path in args.files:
        found = check_file(path, language=args.language)
        problems += found
        if not found:
            print(f"{path}: ok")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 2 if problems else 0
