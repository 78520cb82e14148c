"""``belcoach qa CALL [--json]`` on the demo call's recorded events (no Whisper)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from belcoach.cli.main import main
from support.demo_events import make_demo_call_folder, write_demo_events

DEMO_TRUTH = {  # what the demo call was written to show (demo/demo_call_nl.json tags)
    "opening": ("niet_goed", 1.3),  # "welkom bij"
    "reden-eerst": ("nvt", 0.5),  # the agent answered: inbound
    "naam-klant": ("goed", 7.4),  # "Met Peter de Vries" ... "meneer De Vries"
    "niet-doorpraten": ("niet_goed", 24.4),
    "gevoel-erkend": ("niet_goed", 13.6),
    "niet-zeggen": ("niet_goed", 24.4),  # "Wacht, wacht", then "Ik weet het niet"
    "samenvatting": ("goed", 68.2),
    "beloftes": ("goed", 77.2),
    "afsluiting": ("niet_goed", 82.7),  # "Fijne dag verder!"
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_qa_json_on_the_demo_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = write_demo_events(tmp_path / "demo.events.jsonl")
    code, out, err = _run(capsys, "qa", str(events), "--json")
    assert code == 0, err
    card = json.loads(out)
    items = {i["id"]: i for i in card["items"]}
    for item_id, (verdict, t) in DEMO_TRUTH.items():
        assert items[item_id]["verdict"] == verdict, item_id
        assert items[item_id]["evidence"][0]["t"] == pytest.approx(t, abs=0.1), item_id
    assert card["applicable"] == sum(1 for i in card["items"] if i["verdict"] != "nvt")
    assert card["passed"] == sum(1 for i in card["items"] if i["verdict"] == "goed")
    assert len(card["items"]) <= 12


def test_qa_text_shows_the_score_and_the_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_demo_call_folder(tmp_path / "lib")
    code, out, _ = _run(capsys, "qa", folder.name, "--library", str(tmp_path / "lib"))
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("QA-scorekaart") and "/" in first
    assert "x Niet goed" in out and "+ Goed" in out and "- N.v.t." in out
    assert "1:23  standaardzin in de afsluiting" in out


def test_a_broken_card_warns_with_file_and_line_and_scores_with_the_packaged_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_demo_events(tmp_path / "demo.events.jsonl")
    broken = tmp_path / "card.toml"
    broken.write_text('[[item]]\nid = "x"\ncheck = "nope"\n', encoding="utf-8")
    code, out, err = _run(capsys, "qa", str(events), "--json", "--card", str(broken))
    assert code == 0
    assert f"belcoach: warning: {broken}:3: item 'x': unknown check 'nope'" in err
    assert len(json.loads(out)["items"]) == 11


def test_a_card_locked_by_it_is_used_and_card_flag_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_demo_events(tmp_path / "demo.events.jsonl")
    card = tmp_path / "centre.toml"
    card.write_text(
        'language = "nl"\ntitle = "Centrum"\n[[item]]\nid = "tempo"\ncheck = "pace"\n'
        'title = "Tempo"\nseed = "001_6d1257f8c8d59bde.txt"\nquote = "Zet pauzes."\n',
        encoding="utf-8",
    )
    policy = Path(os.environ["BELCOACH_POLICY"])
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(f'[locked.qa]\ncard = "{card}"\n', encoding="utf-8")
    code, out, _ = _run(capsys, "qa", str(events), "--json")
    assert code == 0
    assert json.loads(out)["title"] == "Centrum"
    code, _, err = _run(capsys, "qa", str(events), "--card", str(tmp_path / "mine.toml"))
    assert code != 0
    assert "conflicts with setting 'qa.card'" in err and "locked by IT policy" in err
