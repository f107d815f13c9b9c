"""The priority page lists its ranked candidates with score and explanation."""

from tests import factories as f


def test_priority_page_lists_candidates_best_first_without_withdrawn_ones(client, auth):
    staff = f.StaffFactory(email="staff@example.org")
    priority = f.PriorityFactory(office=staff.office)
    explanation = {
        "sentences": [
            "Overall match score 0.80 out of 1.",
            "Text similarity: 0.7 (weight 0.5, adds 0.35).",
            "Shared partnership types: pilot project.",
        ]
    }
    f.SuggestionFactory(priority=priority, score=0.4, profile__company__name="Second <b>Co</b>")
    f.SuggestionFactory(
        priority=priority, score=0.8, profile__company__name="First Co", explanation=explanation
    )
    f.SuggestionFactory(
        priority=priority, score=0.9, status="expired", profile__company__name="Withdrawn Co"
    )
    other_office = f.OfficeFactory()
    f.SuggestionFactory(
        priority=priority,
        score=0.3,
        routed_office=other_office,
        profile__company__name="Rerouted Co",
    )
    auth.login("staff@example.org")
    html = client.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert html.index("First Co") < html.index("Second &lt;b&gt;Co&lt;/b&gt;")
    assert "Withdrawn Co" not in html
    assert "Shared partnership types: pilot project." in html
    assert "Text similarity" not in html  # component lines stay on the suggestion's own page
    assert "Rerouted Co</a>" not in html and "Rerouted Co" in html  # shown, not linked


def test_priority_page_explains_an_empty_candidate_list(client, auth):
    staff = f.StaffFactory(email="staff@example.org")
    priority = f.PriorityFactory(office=staff.office)
    auth.login("staff@example.org")
    html = client.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert "No candidates yet." in html
