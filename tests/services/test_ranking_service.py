"""Ranking against the database: incremental, full, and the upsert rules that protect decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker import tasks
from matchmaker.extensions import db
from matchmaker.orm import ProfileStatus, ReviewEvent, Suggestion, SuggestionStatus, utcnow
from matchmaker.services.matching import features, ranking
from tests import factories as f

SPORTS = "Fan engagement software for stadium pilots with sports teams and venue sponsorship."
WATER = "Industrial water pumps and irrigation valves for farms; distributors wanted."


@pytest.fixture
def market():
    """One sports priority, a sports company that fits it and a pump maker that does not."""
    priority = f.PriorityFactory(
        title="Sports technology pilots in the stadium district",
        description="Pilot fan engagement and venue technology with our teams and stadium.",
    )
    fits = f.ProfileFactory(interests=SPORTS, company__description=SPORTS)
    other = f.ProfileFactory(
        interests=WATER,
        company__description=WATER,
        naics_sectors=["3339"],
        partnership_types=["procurement"],
        company__naics_sectors=["3339"],
    )
    return priority, fits, other


def _suggestions() -> list[Suggestion]:
    db.session.expire_all()
    return list(db.session.scalars(select(Suggestion).order_by(Suggestion.id)))


def test_a_new_profile_is_suggested_for_the_priority_it_fits_with_an_explanation(app, market):
    priority, fits, _other = market
    ranking.rank_profile_now(db.session, fits.id)
    [row] = _suggestions()
    assert (row.priority_id, row.profile_id, row.status) == (priority.id, fits.id, "suggested")
    assert 0.2 <= row.score <= 1
    assert set(row.components) == {"text", "sector", "type", "geo"}
    assert row.model_version.startswith("ranker-")
    assert row.routed_office_id == priority.office_id
    assert row.explanation["sentences"], "every suggestion explains itself"
    assert "pilot_project" in row.explanation["shared_types"]


def test_full_rerank_suggests_only_good_pairs_and_is_a_no_op_when_repeated(app, market):
    priority, fits, other = market
    first = ranking.rerank_all(db.session)
    assert first.created == 1
    assert [(r.profile_id) for r in _suggestions()] == [fits.id]
    second = ranking.rerank_all(db.session)
    assert second.written == 0 and second.unchanged == 1
    assert len(db.session.scalars(select(ReviewEvent)).all()) == 1


def test_full_rerank_reports_each_stage_up_to_its_total(app, market):
    steps, notes = [], []
    progress = ranking.Progress(note=notes.append, step=lambda *a: steps.append(a))
    result = ranking.rerank_all(db.session, progress=progress)
    assert result.created == 1
    assert notes[0] == "ranking 1 open priorities against 2 active profiles"
    scoring = [s for s in steps if s[0] == "scoring"]
    writing = [s for s in steps if s[0] == "writing"]
    assert scoring[0] == ("scoring", 0, 2) and scoring[-1] == ("scoring", 2, 2)
    assert writing[0] == ("writing", 0, 1) and writing[-1] == ("writing", 1, 1)


def test_a_full_rerank_outside_a_web_request_may_encode_in_forked_processes(
    app, market, monkeypatch
):
    asked, full_rerank = [], ranking.top_k_matches

    def spy(*args, **kwargs):
        asked.append(kwargs["processes"])
        return full_rerank(*args, **kwargs)

    monkeypatch.setattr(ranking, "top_k_matches", spy)
    ranking.rerank_all(db.session)  # as `flask rank` and the RQ job run it
    assert asked == [True]


def test_incremental_and_full_ranking_agree(app, market):
    priority, fits, other = market
    ranking.rank_priority_now(db.session, priority.id)
    incremental = [(r.priority_id, r.profile_id, r.score) for r in _suggestions()]
    assert ranking.rerank_all(db.session).written == 0
    assert [(r.priority_id, r.profile_id, r.score) for r in _suggestions()] == incremental


def test_rerank_never_touches_accepted_or_declined_suggestions(app, market):
    priority, fits, other = market
    accepted = f.SuggestionFactory(
        priority=priority, profile=other, score=0.9, status=SuggestionStatus.ACCEPTED
    )
    second = f.PriorityFactory(office=priority.office, description=priority.description)
    declined = f.SuggestionFactory(
        priority=second,
        profile=fits,
        score=0.1,
        status=SuggestionStatus.DECLINED,
        decided_at=utcnow(),
    )
    ranking.rerank_all(db.session)
    db.session.expire_all()
    assert (accepted.status, accepted.score) == ("accepted", 0.9)
    assert (declined.status, declined.score) == ("declined", 0.1)


def test_a_declined_pair_comes_back_only_after_a_material_change(app, market):
    priority, fits, _other = market
    ranking.rerank_all(db.session)
    [row] = _suggestions()
    row.status, row.decided_at = SuggestionStatus.DECLINED, utcnow()
    db.session.commit()
    ranking.rerank_all(db.session)
    assert _suggestions()[0].status == "declined"

    fits.material_change_at = utcnow()
    db.session.commit()
    ranking.rank_profile_now(db.session, fits.id)
    [row] = _suggestions()
    assert row.status == "suggested"
    assert row.events[-1].reason == "changed materially since the decline"


def test_a_withdrawn_profile_expires_its_open_suggestions(app, market):
    priority, fits, _other = market
    ranking.rank_profile_now(db.session, fits.id)
    fits.status = ProfileStatus.WITHDRAWN
    db.session.commit()
    result = ranking.rank_profile_now(db.session, fits.id)
    assert result.expired == 1
    [row] = _suggestions()
    assert row.status == "expired"
    assert row.events[-1].from_status == "suggested"


def test_a_better_profile_displaces_the_weakest_when_the_top_k_is_full(app, market):
    app.config["RANK_TOP_K"] = 1
    priority, fits, other = market
    weak = f.ProfileFactory(interests="Stadium seating repairs.", partnership_types=["procurement"])
    weak_row = f.SuggestionFactory(priority=priority, profile=weak, score=0.21)
    ranking.rank_profile_now(db.session, fits.id)
    db.session.expire_all()
    assert weak_row.status == "expired"
    assert [r.profile_id for r in _suggestions() if r.status == "suggested"] == [fits.id]


def test_the_ranking_job_runs_after_commit_and_reports_writes(app, market):
    _priority, fits, _other = market
    assert tasks.rank_profile(fits.id) == 1
    assert tasks.rank_profile(fits.id) == 0


def test_a_city_outside_the_us_is_in_no_us_state(app, market):
    priority, fits, _other = market
    city = priority.office.city
    city.country, city.state = "IT", "MI"  # Milan's province code is also Michigan's
    fits.states = ["MI"]
    db.session.commit()
    assert features.priority_input(priority).state == ""
    ranking.rerank_all(db.session)
    assert [r.components["geo"] for r in _suggestions()] == [0.0]
