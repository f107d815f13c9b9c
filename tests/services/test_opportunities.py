"""Companies browse visible priorities and express interest: it joins the office's queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import ProfileStatus, ReviewEvent, Suggestion, SuggestionStatus
from matchmaker.services.errors import NotFound
from matchmaker.services.review import opportunities
from tests import factories as f


def _titles(**filters) -> list[str]:
    query = opportunities.opportunities_query(opportunities.OpportunityFilters(**filters))
    return [p.title for p in db.session.scalars(query)]


def _interest(priority, member, profile=None, message="We would love to pilot here."):
    profile = profile or f.ProfileFactory(company=member.company)
    return opportunities.express_interest(
        db.session, priority.id, member.company_id, profile.id, member, message
    )


def test_only_open_priorities_marked_visible_are_listed(app):
    f.PriorityFactory(title="Open and visible")
    f.PriorityFactory(title="Open but hidden", visible_to_companies=False)
    f.PriorityFactory(title="Draft", status="draft")
    f.PriorityFactory(title="Paused", status="paused")
    f.PriorityFactory(title="Closed", status="closed")
    assert _titles() == ["Open and visible"]


def test_browse_filters_by_text_sector_type_country_and_state(app):
    boston = f.OfficeFactory(city=f.CityFactory(name="Boston", state="MA"))
    austin = f.OfficeFactory(city=f.CityFactory(name="Austin", state="TX"))
    f.PriorityFactory(
        office=boston,
        title="Stadium",
        naics_sectors=["711211"],
        partnership_types=["sponsorship"],
        target_countries=["DE"],
    )
    f.PriorityFactory(
        office=austin,
        title="Chips",
        naics_sectors=["3344"],
        partnership_types=["investment"],
        target_countries=[],
    )
    assert _titles(q="boston") == ["Stadium"]
    assert _titles(sector="71") == ["Stadium"]  # a prefix finds the deeper codes
    assert _titles(partnership_type="investment") == ["Chips"]
    assert sorted(_titles(country="de")) == ["Chips", "Stadium"]  # empty targets mean any
    assert _titles(country="JP") == ["Chips"]
    assert _titles(state="TX") == ["Chips"]
    assert _titles(q="100%_") == []


def test_expressing_interest_queues_a_company_initiated_suggestion(app):
    priority = f.PriorityFactory()
    member = f.CompanyMemberFactory()
    suggestion = _interest(priority, member, message="  We would love to pilot here.  ")
    assert suggestion.company_initiated and suggestion.message == "We would love to pilot here."
    assert suggestion.status == SuggestionStatus.SUGGESTED and suggestion.score == 0
    assert suggestion.routed_office_id == priority.office_id
    assert suggestion.company_id == member.company_id
    [event] = suggestion.events
    assert (event.actor_id, event.from_status, event.to_status, event.reason) == (
        member.id,
        None,
        "suggested",
        "company expressed interest",
    )


def test_interest_in_a_ranked_pair_marks_the_existing_suggestion(app):
    ranked = f.SuggestionFactory(score=0.8, status=SuggestionStatus.IN_REVIEW)
    member = f.CompanyMemberFactory(company=ranked.company)
    suggestion = _interest(ranked.priority, member, ranked.profile)
    assert suggestion.id == ranked.id and suggestion.company_initiated
    assert suggestion.score == 0.8 and suggestion.status == SuggestionStatus.IN_REVIEW
    assert db.session.scalar(select(db.func.count(Suggestion.id))) == 1


def test_interest_revives_an_expired_suggestion(app):
    expired = f.SuggestionFactory(status=SuggestionStatus.EXPIRED)
    member = f.CompanyMemberFactory(company=expired.company)
    assert _interest(expired.priority, member, expired.profile).status == "suggested"
    event = db.session.scalars(select(ReviewEvent)).one()
    assert (event.from_status, event.to_status) == ("expired", "suggested")


def test_interest_is_expressed_once_per_profile(app):
    priority = f.PriorityFactory()
    member = f.CompanyMemberFactory()
    profile = f.ProfileFactory(company=member.company)
    _interest(priority, member, profile)
    with pytest.raises(opportunities.InterestRefused, match="already expressed"):
        _interest(priority, member, profile)


def test_a_decided_match_refuses_new_interest(app):
    declined = f.SuggestionFactory(status=SuggestionStatus.DECLINED)
    member = f.CompanyMemberFactory(company=declined.company)
    with pytest.raises(opportunities.InterestRefused, match="already decided"):
        _interest(declined.priority, member, declined.profile)


def test_hidden_or_closed_priorities_refuse_interest(app):
    member = f.CompanyMemberFactory()
    for priority in (
        f.PriorityFactory(visible_to_companies=False),
        f.PriorityFactory(status="closed"),
    ):
        with pytest.raises(NotFound):
            _interest(priority, member)


def test_only_the_companys_own_active_profiles_may_be_used(app):
    priority = f.PriorityFactory()
    member = f.CompanyMemberFactory()
    for profile in (
        f.ProfileFactory(),
        f.ProfileFactory(company=member.company, status=ProfileStatus.PAUSED),
    ):
        with pytest.raises(opportunities.InterestRefused) as err:
            _interest(priority, member, profile)
        assert err.value.field == "profile_id"


def test_an_empty_message_is_refused(app):
    with pytest.raises(opportunities.InterestRefused) as err:
        _interest(f.PriorityFactory(), f.CompanyMemberFactory(), message="   ")
    assert err.value.field == "message"


def test_an_unconfirmed_company_cannot_express_interest(app):
    member = f.CompanyMemberFactory(company=f.CompanyFactory(status="unconfirmed"))
    with pytest.raises(opportunities.InterestRefused):
        _interest(f.PriorityFactory(), member)
