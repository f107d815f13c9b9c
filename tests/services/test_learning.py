"""Learning from decisions: which decisions are labels, and train --from-decisions."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from matchmaker.extensions import db
from matchmaker.orm import Suggestion, utcnow
from matchmaker.services.matching import labels, model_store, ranking
from matchmaker.services.review.decisions import DECLINE_REASONS
from tests import factories as f
from tests.decision_world import START, decide, decision_world


def test_every_decline_reason_is_classified_exactly_once():
    fit, other = labels.FIT_DECLINE_REASONS, labels.OTHER_DECLINE_REASONS
    assert not fit & other
    assert set(DECLINE_REASONS) == fit | other
    assert "not_a_fit" in fit and {"sensitive", "already_engaged"} <= other


@pytest.mark.parametrize(
    ("status", "reason", "introduced", "signed", "grade"),
    [
        ("agreement", None, True, True, 3),
        ("engaged", None, True, False, 2),
        ("introduced", None, True, False, 2),
        ("accepted", None, False, False, 1),
        ("company_declined", None, False, False, 1),
        ("declined", "not_a_fit", False, False, 0),
        ("declined", "company_too_small", False, False, 0),
        ("declined", "sensitive", False, False, None),
        ("declined", "already_engaged", False, False, None),
        ("declined", "duplicate", False, False, None),
        ("declined", "other", False, False, None),
        ("declined", None, False, False, None),
        ("suggested", None, False, False, None),
        ("in_review", None, False, False, None),
        ("snoozed", None, False, False, None),
        ("expired", None, False, False, None),
        ("no_answer", None, False, False, None),
    ],
)
def test_grade_of_each_decision(status, reason, introduced, signed, grade):
    assert labels.grade_of(status, reason, introduced, signed) == grade


def test_decisions_read_grades_from_introductions_and_signed_agreements(app):
    at = START
    signed = f.AgreementFactory(status="signed", introduction__stage="agreement_signed")
    draft = f.AgreementFactory(status="signing", introduction__stage="agreement_drafted")
    introduced = f.IntroductionFactory(stage="introduced")
    requested = f.IntroductionFactory(stage="requested")
    accepted = decide(f.PriorityFactory(), f.ProfileFactory(), "accepted", at)
    declined = decide(f.PriorityFactory(), f.ProfileFactory(), "declined", at, "not_a_fit")
    decide(f.PriorityFactory(), f.ProfileFactory(), "declined", at, "sensitive")
    f.SuggestionFactory(status="suggested")
    f.SuggestionFactory(status="snoozed")
    for n, s in enumerate(x.introduction.suggestion for x in (signed, draft)):
        s.decided_at = at + timedelta(hours=n + 1)
    for n, s in enumerate((introduced.suggestion, requested.suggestion)):
        s.decided_at = at + timedelta(hours=n + 3)
    db.session.commit()
    grades = {d.label.priority_key: d.label.grade for d in labels.decisions(db.session)}
    assert grades == {
        signed.introduction.priority_id: 3,
        draft.introduction.priority_id: 2,  # drafted, not signed: the introduction was accepted
        introduced.priority_id: 2,
        requested.priority_id: 1,
        accepted.priority_id: 1,
        declined.priority_id: 0,
    }


def _base_model(app) -> str:
    model_store.train_model(db.session, "base")
    return "base"


def _card(app, name: str) -> dict:
    return json.loads((Path(app.config["MODELS_DIR"]) / f"{name}.json").read_text())


def test_train_from_decisions_keeps_weights_that_rank_later_decisions_better(app, runner):
    decision_world(accept_words=False)
    _base_model(app)
    result = runner.invoke(args=["train", "--from-decisions", "--name", "learned"])
    assert result.exit_code == 0, result.output
    current = next(x for x in result.output.splitlines() if x.startswith("current base"))
    new = next(x for x in result.output.splitlines() if x.startswith("new "))
    before, after = (float(x.split("ndcg@10=")[1].split()[0]) for x in (current, new))
    assert after > before and after == 1.0
    assert "kept: saved" in result.output
    card = _card(app, "learned")
    [record] = card["from_decisions"]
    assert record["kept"] is True and record["model"] == "learned"
    assert (record["labels"], record["train"], record["held_out"]) == (32, 25, 7)
    assert record["current_ndcg"] == pytest.approx(before, abs=1e-3)
    assert record["new_ndcg"] == pytest.approx(after, abs=1e-3)
    assert record["cutoff"].startswith((START + timedelta(days=6)).date().isoformat())
    assert card["base_model"] == "base" and card["source"] == "decisions"
    learned = card["parameters"]
    # Sector counts for more, text for less than in the default blend (0.75, 0.25, 0.15, 0.15).
    assert learned["w_sector"] > 0.25 / 1.3 and learned["w_text"] < 0.75 / 1.3
    # Ranking uses it from now on, and its explanations still show every score part.
    name, model = model_store.current_model()
    assert name == "learned"
    assert model.weights_ == pytest.approx(record["new_weights"])
    newcomer = f.ProfileFactory(naics_sectors=["7112"], company__naics_sectors=["7112"])
    ranking.rank_profile_now(db.session, newcomer.id)
    rows = [s for s in db.session.scalars(db.select(Suggestion)) if s.status == "suggested"]
    assert rows and {r.model_version for r in rows} == {"learned"}
    assert set(rows[0].components) == {"text", "sector", "type", "geo"}
    assert any("Sector (NAICS) overlap" in s for s in rows[0].explanation["sentences"])


def test_the_fit_never_sees_a_decision_of_the_held_out_period(app, runner, monkeypatch):
    from matchmaker.services.matching import learning

    decision_world(accept_words=False)
    _base_model(app)
    seen, fit = [], learning.fit_grid

    def spy(model, comps, train):
        seen.extend(train)
        return fit(model, comps, train)

    monkeypatch.setattr(learning, "fit_grid", spy)
    result = runner.invoke(args=["train", "--from-decisions", "--holdout", "0.5"])
    assert result.exit_code == 0, result.output
    [record] = _card(app, result.output.split("saved ")[1].split("/")[-1].split(".joblib")[0])[
        "from_decisions"
    ]
    cutoff = datetime.fromisoformat(record["cutoff"])
    assert len(seen) == record["train"] == 16
    assert all(x.decided_at < cutoff for x in seen)
    assert cutoff == START + timedelta(days=4)


def test_train_from_decisions_refuses_weights_that_do_not_beat_the_current_model(app, runner):
    decision_world(accept_words=True)
    _base_model(app)
    models = Path(app.config["MODELS_DIR"])
    before = sorted(p.name for p in models.iterdir())
    result = runner.invoke(args=["train", "--from-decisions"])
    assert result.exit_code == 0, result.output
    assert "current base ndcg@10=1.000" in result.output
    assert "not kept: the new weights do not beat base" in result.output
    assert sorted(p.name for p in models.iterdir()) == before  # no new model file
    assert model_store.current_model()[0] == "base"
    [record] = _card(app, "base")["from_decisions"]
    assert record["kept"] is False and record["model"] is None
    assert record["current_ndcg"] == 1.0 and record["held_out"] == 7


def test_train_from_decisions_refuses_too_few_labels_and_changes_nothing(app, runner):
    priority = f.PriorityFactory()
    for n in range(3):
        decide(priority, f.ProfileFactory(), "accepted", utcnow() - timedelta(days=n))
    _base_model(app)
    card = (Path(app.config["MODELS_DIR"]) / "base.json").read_bytes()
    result = runner.invoke(args=["train", "--from-decisions"])
    assert result.exit_code == 1
    assert "only 3 decided suggestions are labels (at least 30 needed): nothing changed" in (
        result.output
    )
    assert (Path(app.config["MODELS_DIR"]) / "base.json").read_bytes() == card
    assert sorted(p.name for p in Path(app.config["MODELS_DIR"]).iterdir()) == [
        "base.joblib",
        "base.json",
    ]


def test_train_from_decisions_refuses_without_a_current_model(app, runner):
    decision_world(accept_words=False)
    result = runner.invoke(args=["train", "--from-decisions"])
    assert result.exit_code == 1
    assert "no ranking model" in result.output and "nothing changed" in result.output
    assert not Path(app.config["MODELS_DIR"]).exists()


def test_train_refuses_learning_options_without_from_decisions(app, runner):
    result = runner.invoke(args=["train", "--holdout", "0.3"])
    assert result.exit_code == 2
    assert "--holdout applies to --from-decisions only" in result.output
    assert not Path(app.config["MODELS_DIR"]).exists()
    bad = runner.invoke(args=["train", "--from-decisions", "--holdout", "1"])
    assert bad.exit_code == 2 and "--holdout" in bad.output
