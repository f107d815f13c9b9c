"""Tests for the PartnershipRanker estimator contract, components and explanations."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from matchmaker import vocab
from matchmaker.ranking import COMPONENTS, PartnershipRanker, PriorityInput, ProfileInput
from matchmaker.ranking.errors import UnknownCode
from matchmaker.ranking.estimator import GATED
from matchmaker.ranking.inputs import from_dev_company, from_dev_priority
from matchmaker.ranking.synthetic import SyntheticData


def prio(
    key="p",
    sectors=("3254",),
    types=("investment",),
    countries=(),
    state="MA",
    title="Biologics manufacturing",
    desc="Cell therapy plants and technician training.",
):
    return PriorityInput(key, title, desc, tuple(sectors), tuple(types), tuple(countries), state)


def prof(
    key="c",
    sectors=("3254",),
    types=("investment",),
    hq="US",
    regions=("any",),
    name="Helix Bio",
    desc="We make biologics and cell therapy products.",
    interests="A new plant and technician training.",
):
    return ProfileInput(
        key, name, desc, interests, tuple(sectors), tuple(types), hq, tuple(regions), "sme"
    )


@pytest.fixture(scope="module")
def data():
    gen = SyntheticData(seed=7, n_filler=400, text_words=25)
    return gen.priorities(25) + [prio()], gen.profiles(80) + [prof()]


@pytest.fixture(scope="module")
def model(data) -> PartnershipRanker:
    return PartnershipRanker(n_components=32).fit(*data)


def test_not_fitted_and_fit_returns_self(data) -> None:
    est = PartnershipRanker()
    with pytest.raises(NotFittedError):
        est.score_matrix(*data)
    with pytest.raises(NotFittedError):
        est.score_pair(prio(), prof())
    assert est.fit(*data) is est
    assert hasattr(est, "weights_")


def test_clone_and_params(model: PartnershipRanker) -> None:
    params = model.get_params()
    assert {"w_text", "w_sector", "w_type", "w_geo", "n_components"} <= set(params)
    twin = clone(model)
    assert twin.get_params() == params and not hasattr(twin, "weights_")
    assert twin.set_params(w_geo=0.5) is twin and twin.w_geo == 0.5


def test_fit_on_priorities_only(data) -> None:
    est = PartnershipRanker(n_components=8).fit(data[0])
    total, _ = est.score_matrix(data[0][:3], data[1][:4])
    assert total.shape == (3, 4)


def test_scores_in_range_and_decompose(model: PartnershipRanker, data) -> None:
    total, comps = model.score_matrix(*data)
    assert total.shape == (len(data[0]), len(data[1]))
    assert set(comps) == set(COMPONENTS)
    assert total.min() >= 0.0 and total.max() <= 1.0
    w = model.weights_
    topical = w["text"] * comps["text"] + w["sector"] * comps["sector"]
    gate = model.gate(topical.astype(np.float32))
    blend = topical + gate * (w["type"] * comps["type"] + w["geo"] * comps["geo"])
    np.testing.assert_allclose(total, blend, atol=1e-5)
    assert gate.min() >= 0.0 and gate.max() <= 1.0 and gate.max() > 0.0
    for v in comps.values():
        assert v.min() >= 0.0 and v.max() <= 1.0
    assert sum(model.weights_.values()) == pytest.approx(1.0)


def test_score_pair_matches_matrix(model: PartnershipRanker, data) -> None:
    total, comps = model.score_matrix(*data)
    b = model.score_pair(data[0][3], data[1][5])
    assert b.total == pytest.approx(float(total[3, 5]), abs=1e-6)
    assert b.total == pytest.approx(sum(b.contribution(k) for k in COMPONENTS), abs=1e-5)
    for k in GATED:
        assert b.contribution(k) == pytest.approx(model.weights_[k] * b.components[k] * b.gate)


def sector(model, a, b) -> float:
    return model.score_pair(prio(sectors=a), prof(sectors=b)).components["sector"]


def test_naics_partial_credit(model: PartnershipRanker) -> None:
    exact = sector(model, ["3254"], ["3254"])
    same4 = sector(model, ["3254"], ["3251"])
    same2 = sector(model, ["3254"], ["3261"])
    other = sector(model, ["3254"], ["4234"])
    assert exact == pytest.approx(1.0)
    assert exact > same4 > same2 > other == 0.0
    assert sector(model, ["52"], ["5222"]) > 0.0  # a 2-digit code gets prefix credit


def geo(model, **kw) -> float:
    p_kw = {k: kw[k] for k in ("countries", "state") if k in kw}
    c_kw = {k: kw[k] for k in ("hq", "regions") if k in kw}
    return model.score_pair(prio(**p_kw), prof(**c_kw)).components["geo"]


def test_geography_rules(model: PartnershipRanker) -> None:
    # Geography fits only when both hold: the HQ country is welcome and the state is of interest.
    assert geo(model, countries=(), hq="JP", regions=("any",)) == pytest.approx(1.0)
    assert geo(model, countries=("JP", "DE"), hq="JP", regions=("MA",)) == pytest.approx(1.0)
    assert geo(model, countries=("DE",), hq="JP", regions=("any",)) == 0.0
    assert geo(model, countries=(), hq="US", regions=("TX", "CA")) == 0.0
    assert geo(model, countries=("DE",), hq="US", regions=("TX",)) == 0.0
    assert geo(model, countries=("XX",), hq="ZZ", regions=("ma",)) == 0.0  # unseen codes


def test_a_priority_outside_the_us_states_fits_only_profiles_open_to_any_state(model) -> None:
    assert geo(model, state="", regions=("any",)) == pytest.approx(1.0)
    assert geo(model, state="", regions=("MA", "NY")) == 0.0


def test_every_type_and_state_the_forms_offer_is_ranked(model) -> None:
    every_type = tuple(vocab.PARTNERSHIP_TYPES)
    for state in vocab.US_STATES:
        fit = model.score_pair(
            prio(types=every_type, state=state),
            prof(types=every_type, regions=tuple(vocab.US_STATES)),
        )
        assert fit.components["type"] == pytest.approx(1.0)
        assert fit.components["geo"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("priority", "profile", "unknown"),
    [
        ({"types": ("investment", "barter")}, {}, "barter"),
        ({}, {"types": ("pilot_project", "barter")}, "barter"),
        ({"state": "ZZ"}, {}, "ZZ"),
        ({}, {"regions": ("MA", "GU")}, "GU"),
    ],
)
def test_unknown_types_and_states_raise_instead_of_vanishing(
    model, priority, profile, unknown
) -> None:
    with pytest.raises(UnknownCode, match=unknown):
        model.score_pair(prio(**priority), prof(**profile))


def test_type_overlap(model: PartnershipRanker) -> None:
    both = model.score_pair(
        prio(types=("pilot_project", "investment")), prof(types=("pilot_project", "investment"))
    )
    none = model.score_pair(prio(types=("pilot_project",)), prof(types=("philanthropy",)))
    assert both.components["type"] == pytest.approx(1.0)
    assert none.components["type"] == 0.0
    ask = ("pilot_project", "investment")
    first = model.score_pair(prio(types=ask), prof(types=("pilot_project",)))
    second = model.score_pair(prio(types=ask), prof(types=("investment",)))
    assert first.components["type"] > 0.5 > second.components["type"] > 0.0


def test_gate_keeps_off_topic_pairs_down(model: PartnershipRanker) -> None:
    on = model.score_pair(prio(), prof())
    off = model.score_pair(
        prio(),
        prof(
            sectors=("7225",), name="Quill", interests="", desc="Restaurants and cafes by the sea."
        ),
    )
    assert on.components["type"] == off.components["type"] == pytest.approx(1.0)
    assert on.gate > 0.5 and off.gate == 0.0
    assert off.contribution("type") == 0.0 and off.contribution("geo") == 0.0
    assert on.total > off.total + model.weights_["type"]


def test_explanation_content(model: PartnershipRanker) -> None:
    p = prio(
        sectors=("3254", "6115"), types=("investment", "workforce_training"), countries=("CH", "US")
    )
    c = prof(sectors=("3254", "6113"), types=("workforce_training",), hq="CH", regions=("MA", "NY"))
    ex = model.explain(p, c)
    assert ex.total == pytest.approx(model.score_pair(p, c).total)
    assert [x.name for x in ex.components] == list(COMPONENTS)
    assert sum(x.contribution for x in ex.components) == pytest.approx(ex.total, abs=1e-5)
    assert {x.name: x.gate for x in ex.components}["type"] == pytest.approx(ex.gate)
    codes = {(m.priority_code, m.exact) for m in ex.shared_sectors}
    assert ("3254", True) in codes and ("6115", False) in codes
    assert ex.shared_types == ["workforce_training"]
    assert "CH" in ex.geography and "MA" in ex.geography
    terms = " ".join(t for t, _ in ex.top_terms)
    assert "cell" in terms and "technician" in terms
    text = "\n".join(ex.sentences)
    assert "Shared sectors: 3254 Pharmaceutical and Medicine Manufacturing (exact)" in text
    assert "workforce training" in text


def test_dev_loaders_drop_labels() -> None:
    p = from_dev_priority(
        {
            "id": "dp1",
            "title": "t",
            "description": "d",
            "state": "ma",
            "naics_sectors": ["3254"],
            "partnership_types": ["investment"],
            "target_countries": ["de"],
            "themes": ["x"],
            "required_type": "y",
        }
    )
    c = from_dev_company(
        {
            "id": "dc1",
            "name": "N",
            "description": "d",
            "interests": "i",
            "hq_country": "us",
            "regions_of_interest": ["any"],
            "themes": ["x"],
        }
    )
    assert p.state == "MA" and p.target_countries == ("DE",)
    assert c.hq_country == "US" and c.regions_of_interest == ("any",)
    assert not any(hasattr(o, "themes") or hasattr(o, "required_type") for o in (p, c))


def test_messy_names_do_not_break(model: PartnershipRanker) -> None:
    c = prof(name="<b>Pitch</b> &amp; Co", desc="  spaced\n\n text\t", interests="")
    b = model.score_pair(prio(), c)
    assert 0.0 <= b.total <= 1.0
