"""The QA cards: packaged cards trace to their seeds; bad card files say file:line and what."""

from __future__ import annotations

from pathlib import Path

import pytest

from belcoach.seeds.qa_card import (
    CHECK_PARAMS,
    MAX_ITEMS,
    CardError,
    card_for,
    load_card,
    packaged_card,
)

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"

GOOD_ITEM = """
[[item]]
id = "pace"
check = "pace"
title = "Tempo"
seed = "001_6d1257f8c8d59bde.txt"
quote = "Zet pauzes tussen uw zinnen."
"""


@pytest.mark.parametrize("language", ["nl", "sv", "en"])
def test_packaged_cards_load_and_every_item_quotes_its_seed(language: str) -> None:
    card = load_card(packaged_card(language))
    assert card.language == language
    assert 1 <= len(card.items) <= MAX_ITEMS
    assert {i.check for i in card.items} == set(CHECK_PARAMS)  # every check used once
    if not SEEDS.is_dir():
        pytest.skip("the shared seed texts are not beside this checkout")
    for item in card.items:
        text = (SEEDS / item.seed).read_text(encoding="utf-8")
        assert " ".join(item.quote.split()) in " ".join(text.split()), (language, item.id)


def test_dutch_labels_are_goed_niet_goed_nvt() -> None:
    card = load_card(packaged_card("nl"))
    assert [card.label(v) for v in ("goed", "niet_goed", "nvt")] == ["Goed", "Niet goed", "N.v.t."]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "card.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'title = "x"\n[[item]]\nid = "a\n')
    with pytest.raises(CardError, match=rf"^{path}:3: not valid TOML"):
        load_card(path)


def test_a_bad_parameter_names_file_line_item_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_ITEM + 'params.min_share = "most"\n')
    with pytest.raises(CardError) as err:
        load_card(path)
    assert str(err.value) == (
        f"{path}:8: item 'pace': key 'params.min_share': must be a number >= 0, not 'most'"
    )


def test_an_unknown_check_and_a_missing_key_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_ITEM.replace('check = "pace"', 'check = "vibes"'))
    with pytest.raises(CardError, match=r":4: item 'pace': unknown check 'vibes'"):
        load_card(path)
    path = _write(tmp_path, GOOD_ITEM.replace('quote = "Zet pauzes tussen uw zinnen."\n', ""))
    with pytest.raises(CardError, match=r":2: item 1: key 'quote' is missing"):
        load_card(path)


def test_a_bad_pattern_and_an_unknown_seed_are_named(tmp_path: Path) -> None:
    text = GOOD_ITEM.replace('check = "pace"', 'check = "summary"') + 'params.when = ["(morgen"]\n'
    with pytest.raises(CardError, match=r":8: item 'pace': key 'params.when': bad pattern"):
        load_card(_write(tmp_path, text))
    text = GOOD_ITEM.replace("001_6d1257f8c8d59bde.txt", "my-notes.txt")
    with pytest.raises(CardError, match=r":6: item 'pace': key 'seed' must name a seed file"):
        load_card(_write(tmp_path, text))


def test_more_than_twelve_items_is_refused(tmp_path: Path) -> None:
    text = "".join(GOOD_ITEM.replace('id = "pace"', f'id = "p{i}"') for i in range(13))
    with pytest.raises(CardError, match="13 items; a card holds at most 12"):
        load_card(_write(tmp_path, text))


def test_a_coach_card_replaces_the_packaged_one_and_a_broken_one_falls_back(
    tmp_path: Path,
) -> None:
    own = _write(tmp_path, 'language = "nl"\ntitle = "Team Noord"\n' + GOOD_ITEM)
    card, problems = card_for("nl", own)
    assert (card.title, [i.id for i in card.items], problems) == ("Team Noord", ["pace"], ())
    card, _ = card_for("sv", own)  # written for Dutch calls: Swedish calls keep their card
    assert card.language == "sv"
    broken = tmp_path / "broken.toml"
    broken.write_text(GOOD_ITEM + "params.min_share = -1\n", encoding="utf-8")
    card, problems = card_for("nl", broken)
    assert card.file == str(packaged_card("nl"))
    assert len(problems) == 1
    assert problems[0].startswith(f"{broken}:8: item 'pace': key 'params.min_share'")
    assert problems[0].endswith("using the packaged card (" + card.file + ")")


def test_an_item_can_be_switched_off(tmp_path: Path) -> None:
    text = GOOD_ITEM + GOOD_ITEM.replace('id = "pace"', 'id = "off"') + "enabled = false\n"
    assert [i.id for i in load_card(_write(tmp_path, text)).items] == ["pace"]
