"""export-labels: decisions as a labelled folder that `evaluate` reads."""

from __future__ import annotations

import json
from datetime import timedelta

from matchmaker.extensions import db
from tests import factories as f
from tests.decision_world import START, decide, decision_world


def _read(folder, name):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def test_export_then_evaluate_round_trip(app, runner, tmp_path):
    decision_world(accept_words=False)
    signed = f.AgreementFactory(status="signed", introduction__stage="agreement_signed")
    signed.introduction.suggestion.decided_at = START + timedelta(days=2)
    db.session.commit()
    out = tmp_path / "labels"
    result = runner.invoke(args=["export-labels", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "wrote 33 labels (1 agreement signed, 0 introduction accepted, 16 accepted, "
        "16 declined as not a fit) on 9 priorities and 33 companies"
    ) in result.output
    assert "reading decisions" in result.output and "writing qrels.json" in result.output
    qrels = _read(out, "qrels.json")
    suggestion = signed.introduction.suggestion
    assert qrels[f"p{suggestion.priority_id}"] == {f"c{suggestion.profile_id}": 3}
    assert sorted(set().union(*map(dict.values, qrels.values()))) == [0, 1, 3]
    priorities, companies = _read(out, "priorities.json"), _read(out, "companies.json")
    assert {p["id"] for p in priorities} == set(qrels)
    assert {"title", "description", "naics_sectors", "partnership_types", "state"} <= set(
        priorities[0]
    )
    assert {"name", "description", "interests", "hq_country", "regions_of_interest"} <= set(
        companies[0]
    )
    evaluated = runner.invoke(args=["evaluate", str(out)])
    assert evaluated.exit_code == 0, evaluated.output
    lines = evaluated.output.strip().splitlines()
    assert lines[0].startswith("model ndcg@10=") and lines[1].startswith("tfidf ndcg@10=")


def test_export_keeps_only_labels_of_the_period(app, runner, tmp_path):
    decision_world(accept_words=False)  # one priority decided per day from START
    since, until = START + timedelta(days=2), START + timedelta(days=4)
    args = ["export-labels", str(tmp_path / "x"), "--since", f"{since:%Y-%m-%d}"]
    result = runner.invoke(args=[*args, "--until", f"{until:%Y-%m-%d}"])
    assert result.exit_code == 0, result.output
    assert "wrote 8 labels" in result.output and "on 2 priorities" in result.output


def test_export_leaves_out_other_declines_and_undecided_suggestions(app, runner, tmp_path):
    priority = f.PriorityFactory()
    fit = decide(priority, f.ProfileFactory(), "declined", START, "not_a_fit")
    decide(priority, f.ProfileFactory(), "declined", START, "sensitive")
    decide(priority, f.ProfileFactory(), "declined", START, "already_engaged")
    f.SuggestionFactory(priority=priority, status="suggested")
    result = runner.invoke(args=["export-labels", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    assert _read(tmp_path / "x", "qrels.json") == {f"p{priority.id}": {f"c{fit.profile_id}": 0}}


def test_export_refuses_a_non_empty_folder_unless_forced(app, runner, tmp_path):
    decision_world(accept_words=False)
    (tmp_path / "notes.txt").write_text("keep me")
    refused = runner.invoke(args=["export-labels", str(tmp_path)])
    assert refused.exit_code == 1
    assert "is not empty: choose an empty folder or pass --force" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    forced = runner.invoke(args=["export-labels", str(tmp_path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "qrels.json").is_file() and (tmp_path / "notes.txt").is_file()


def test_export_refuses_a_period_without_labels_and_a_reversed_period(app, runner, tmp_path):
    decision_world(accept_words=False)
    empty = runner.invoke(args=["export-labels", str(tmp_path / "a"), "--since", "2030-01-01"])
    assert empty.exit_code == 1
    assert "no decided suggestion is a label in this period: nothing written" in empty.output
    assert not (tmp_path / "a").exists()
    args = ["export-labels", str(tmp_path / "b"), "--since", "2026-02-01", "--until", "2026-01-01"]
    reversed_ = runner.invoke(args=args)
    assert reversed_.exit_code == 2 and "must be after --since" in reversed_.output
    bad = runner.invoke(args=["export-labels", str(tmp_path / "c"), "--since", "yesterday"])
    assert bad.exit_code == 2 and "--since" in bad.output
