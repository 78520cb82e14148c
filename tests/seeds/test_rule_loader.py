"""Rule packs and coach / IT rule files: validation with file, line and field; layering."""

from __future__ import annotations

from pathlib import Path

import pytest

from belcoach.seeds.loader import check_file, load_rules, packaged_languages, packaged_pack

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

GOOD_RULE = """
[[rule]]
id = "nl.coach-test"
category = "avoid"
patterns = ["geen punt"]
suggestions = ["Zeg het anders."]
why = "Omdat."
source = "coach"
"""


def _write(tmp_path: Path, text: str, name: str = "coach.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_packs_load_without_problems() -> None:
    assert set(packaged_languages()) >= {"nl", "sv", "en"}
    for language in ("nl", "sv", "en"):
        book = load_rules(language)
        assert book.problems == (), book.problems
        assert len(book.rules) >= 20
        assert all(r.language == language and r.id.startswith(language + ".") for r in book.rules)
        ids = [r.id for r in book.rules]
        assert len(ids) == len(set(ids))
        categories = {r.category for r in book.rules}
        assert categories == {"avoid", "stock_phrase", "positive", "promise"} | (
            {"address"} if language == "nl" else set()
        )


def test_every_rule_cites_an_existing_seed_file() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS}")
    names = {p.name for p in SEEDS.iterdir()}
    for language in ("nl", "sv", "en"):
        for rule in load_rules(language).rules:
            assert rule.source in names, f"{rule.id} cites {rule.source!r}"
            assert rule.why


def test_dutch_pack_has_every_row_of_the_001_table() -> None:
    book = load_rules("nl")
    table = {
        "nl.ik-weet-het-niet": "Bent u bereid om een minuut te wachten",
        "nl.kan-me-niet-schelen": "Het spijt me dat ik u heb laten wachten",
        "nl.niet-gestoord": "2 minuten",
        "nl.mag-je-niet": "dit is wat we kunnen doen",
        "nl.weet-het-allemaal": "misverstand",
        "nl.kom-niet-terug": "Het spijt me als u zo over onze service denkt",
        "nl.ik-heb-gelijk": "dat u een punt heeft",
        "nl.schiet-op": "Bent u bereid om 2 minuten te wachten?",
        "nl.wacht": "Bent u bereid om 2 minuten te wachten?",
    }
    for rule_id, alternative in table.items():
        rule = book.get(rule_id)
        assert rule is not None, rule_id
        assert any(alternative in s for s in rule.suggestions), rule_id
        assert rule.seed_quote and rule.source.startswith("001_")
    stock = [
        "heeft-u-alles-kunnen-vinden",
        "welkom-bij",
        "wat-vervelend-voor-u",
        "fijne-dag-verder",
        "ik-zal-me-even-voorstellen",
    ]
    for name in stock:
        rule = book.get(f"nl.{name}")
        assert (
            rule is not None and rule.category == "stock_phrase" and rule.source.startswith("002_")
        )
    for rule_id in (
        "nl.je-zonder-vragen",
        "nl.naam-klant",
        "nl.samenvatting",
        "nl.reden-van-bellen",
        "nl.belofte-terugbellen",
    ):
        assert book.get(rule_id) is not None


def test_toml_syntax_error_names_file_and_line_and_keeps_the_pack(tmp_path: Path) -> None:
    bad = _write(tmp_path, 'language = "nl"\n\n[[rule]]\nid = "nl.x"\ncategory = \n')
    book = load_rules("nl", extra_files=[bad])
    assert len(book.problems) == 1
    problem = book.problems[0]
    assert problem.startswith(f"{bad}:5: TOML syntax error")
    assert book.get("nl.ik-weet-het-niet") is not None


ID = 'id = "nl.a"'
CAT = 'category = "avoid"'
PAT = 'patterns = ["x y"]'
SUG = 'suggestions = ["z"]'
TAIL = ['why = "w"', 'source = "s"']


@pytest.mark.parametrize(
    ("lines", "line", "expected"),
    [
        ([ID, PAT, SUG, *TAIL], 3, "rule 'nl.a': missing field 'category'"),
        (
            [ID, 'category = "rude"', PAT, SUG, *TAIL],
            5,
            "field 'category': unknown category 'rude'",
        ),
        ([ID, CAT, 'patterns = ["x y", ""]', SUG, *TAIL], 6, "field 'patterns': contains an empty"),
        ([ID, CAT, "patterns = []", SUG, *TAIL], 6, "field 'patterns': needs at least one pattern"),
        (
            [ID, CAT, "patterns = [", '  "x y",', '  "ik (weet",', "]", SUG, *TAIL],
            8,
            "never closed",
        ),
        ([ID, CAT, PAT, *TAIL], 3, "field 'suggestions': an avoid rule needs at least one"),
        ([ID, CAT, PAT, 'sugestions = ["z"]', *TAIL], 7, "field 'sugestions': unknown field"),
        (
            [ID, CAT, 'patterns = "x y"', SUG, *TAIL],
            6,
            "field 'patterns': must be a list of strings",
        ),
        (
            [ID, CAT, PAT, SUG, *TAIL, "max_per_call = -1"],
            10,
            "field 'max_per_call': must be a whole",
        ),
        ([ID, CAT, 'channel = "customer"', PAT, SUG, *TAIL], 6, "must be silent = true"),
        (['id = "Nl A"', CAT, PAT, SUG, *TAIL], 4, "is not an id like"),
    ],
)
def test_bad_rule_names_file_line_and_field(
    tmp_path: Path, lines: list[str], line: int, expected: str
) -> None:
    text = 'language = "nl"\n\n[[rule]]\n' + "\n".join(lines) + "\n" + GOOD_RULE
    path = _write(tmp_path, text)
    book = load_rules("nl", extra_files=[path])
    assert len(book.problems) == 1, book.problems
    problem = book.problems[0]
    assert problem.startswith(f"{path}:{line}: "), problem
    assert expected in problem
    # the other rules keep working: the good rule in the same file and the pack
    assert book.get("nl.coach-test") is not None
    assert book.get("nl.wacht") is not None


def test_override_changes_only_the_fields_it_names(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'language = "nl"\n[[rule]]\nid = "nl.welkom-bij"\n'
        'suggestions = ["Goedemiddag, met Sanne van Helder Energie."]\nseverity = "warning"\n',
    )
    book = load_rules("nl", extra_files=[path])
    assert book.problems == ()
    rule = book.get("nl.welkom-bij")
    assert rule is not None
    assert rule.suggestions == ("Goedemiddag, met Sanne van Helder Energie.",)
    assert rule.severity == "warning"
    assert rule.patterns == load_rules("nl").get("nl.welkom-bij").patterns  # type: ignore[union-attr]
    assert rule.origin == f"{path}:2"


def test_a_broken_override_keeps_the_packaged_rule(tmp_path: Path) -> None:
    path = _write(tmp_path, 'language = "nl"\n[[rule]]\nid = "nl.wacht"\nseverity = "loud"\n')
    book = load_rules("nl", extra_files=[path])
    assert "unknown severity 'loud'" in book.problems[0]
    assert "packaged version stays in force" in book.problems[0]
    rule = book.get("nl.wacht")
    assert rule is not None and rule.severity == "warning"


def test_later_files_win_and_rules_can_be_switched_off(tmp_path: Path) -> None:
    coach = _write(tmp_path, 'language = "nl"\n' + GOOD_RULE, "coach.toml")
    policy = _write(
        tmp_path,
        '[[rule]]\nid = "nl.coach-test"\nsuggestions = ["Van IT."]\n'
        '[[rule]]\nid = "nl.welkom-bij"\nenabled = false\n'
        '[[rule]]\nid = "sv.valkommen-till"\nenabled = false\n',
        "policy.toml",
    )
    book = load_rules("nl", extra_files=[coach, policy], disabled=["nl.wacht", "sv.vanta"])
    assert book.problems == ()
    assert book.get("nl.coach-test").suggestions == ("Van IT.",)  # type: ignore[union-attr]
    assert book.get("nl.welkom-bij") is None
    assert book.get("nl.wacht") is None
    assert book.files == ("seeds/rules/nl.toml", str(coach), str(policy))


def test_unknown_disabled_id_and_unknown_reference_are_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'language = "nl"\n' + GOOD_RULE + 'not_after = ["nl.bestaat-niet"]\n',
    )
    book = load_rules("nl", extra_files=[path], disabled=["nl.wachten"])
    assert any("disabled rule 'nl.wachten' is not a known rule" in p for p in book.problems)
    assert any("refers to unknown rule 'nl.bestaat-niet'" in p for p in book.problems)
    assert book.get("nl.coach-test") is not None


def test_duplicate_id_in_one_file_and_unknown_top_level_key(tmp_path: Path) -> None:
    path = _write(tmp_path, 'language = "nl"\nnames = 3\n' + GOOD_RULE + GOOD_RULE)
    book = load_rules("nl", extra_files=[path])
    assert any(f"{path}:2: unknown top-level key 'names'" in p for p in book.problems)
    assert any("defined twice in this file (first at line 4)" in p for p in book.problems)


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    book = load_rules("nl", extra_files=[tmp_path / "absent.toml"])
    assert "cannot read the rule file" in book.problems[0]
    assert book.get("nl.wacht") is not None


def test_check_file_reports_every_language_in_a_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[rule]]\nid = "sv.x"\ncategory = "avoid"\npatterns = ["a b"]\nwhy = "w"\nsource = "s"\n'
        + GOOD_RULE,
    )
    problems = check_file(path)
    assert len(problems) == 1 and "rule 'sv.x'" in problems[0] and f"{path}:1:" in problems[0]
    assert check_file(_write(tmp_path, GOOD_RULE, "ok.toml")) == []


def test_unknown_language_has_no_rules() -> None:
    assert packaged_pack("de") is None
    book = load_rules("de")
    assert book.rules == () and book.problems == ()


def test_coach_files_use_the_pack_classes_and_may_add_their_own(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'language = "nl"\n\n[classes]\nmoeite = ["moeite", "last"]\n\n'
        "[[rule]]\n"
        'id = "nl.coach-klasse"\n'
        'category = "avoid"\n'
        'patterns = ["geen @moeite", "ik weet het @niet"]\n'
        'suggestions = ["Zeg het anders."]\n'
        'why = "Omdat."\n'
        'source = "coach"\n',
    )
    book = load_rules("nl", extra_files=[path])
    assert book.problems == ()
    rule = book.get("nl.coach-klasse")
    assert rule is not None
    assert {v.describe() for v in rule.variants} == {
        "geen (moeite|last)",
        "ik weet het (=niet|=niks|=niets)",
    }


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ('[classes]\nniet = ["nooit"]\n', 2, "classes.niet: the pack already defines @niet"),
        ('[classes]\nx = "a"\n', 2, "classes.x: must be a list of strings"),
        ('[classes]\nx = ["(a"]\n', 2, "classes.x: pattern '(a': '(' is never closed"),
    ],
)
def test_bad_classes_name_file_line_and_class(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    path = _write(tmp_path, text + GOOD_RULE)
    book = load_rules("nl", extra_files=[path])
    assert len(book.problems) == 1, book.problems
    assert book.problems[0].startswith(f"{path}:{line}: "), book.problems
    assert expected in book.problems[0]
    assert book.get("nl.coach-test") is not None


def test_a_rule_with_an_unknown_class_is_reported_with_its_field(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_RULE.replace('["geen punt"]', '["geen @punt"]'))
    (problem,) = load_rules("nl", extra_files=[path]).problems
    assert f"{path}:5: rule 'nl.coach-test': field 'patterns':" in problem
    assert "unknown word class '@punt'" in problem


def test_packs_declare_fillers_that_never_carry_the_meaning() -> None:
    for language in ("nl", "sv", "en"):
        matching = load_rules(language).matching
        assert matching.fillers and 1 <= matching.max_fillers <= 5
        negations = {"niet", "geen", "niks", "inte", "ingen", "not", "no", "never", "dont"}
        assert not matching.fillers & negations
