"""City briefing pages: the form and its errors, the printable page and the PDF (as each viewer
may see them), and the "feature in briefing" mark from an introduction's page."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from matchmaker.extensions import db
from matchmaker.services.briefing import features
from tests.briefing_world import SECRETS, build_city

QUERY = "start=2026-01-01&end=2026-06-30"
SUMMARY = "A Greek fan-engagement firm runs its first US stadium pilot with 40 jobs planned."


@pytest.fixture
def city(app):
    return build_city()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_staff_read_their_citys_briefing_without_other_cities_or_confidential_text(
    client, auth, city
):
    features.mark_feature(db.session, city.intro.id, city.ana, SUMMARY + " SECRET-less.")
    auth.login(city.ana.email)
    page = client.get(f"/briefing/document?{QUERY}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Stadium pilot MOU" in html and city.agreement.document.sha256 in html
    assert "Chamber of Commerce" in html and "Ζήτα Αθλητική" in html
    assert "2,500,000.00 EUR" in html and "1,000,000.00 EUR" in html and "6-month follow-up" in html
    assert SUMMARY in html and "Greece" in html and "51 · Information" in html
    assert "Denver water MOU" not in html and city.far_agreement.document.sha256 not in html
    for secret in SECRETS:
        assert secret not in html
    assert 'href="/static/css/briefing.css"' in html and "style=" not in html


def test_the_pdf_opens_and_holds_the_agreement_fingerprints(client, auth, city):
    auth.login(city.admin.email)
    response = client.get(f"/briefing/briefing.pdf?city_id={city.office.city_id}&{QUERY}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    assert city.agreement.document.sha256 in text
    assert "Stadium pilot MOU" in text and "Ζήτα Αθλητική" in text
    assert "Denver water MOU" not in text and city.far_agreement.document.sha256 not in text
    for secret in SECRETS:
        assert secret not in text


def test_the_admin_briefs_on_any_city_and_staff_on_no_other(client, auth, city):
    auth.login(city.admin.email)
    far = client.get(f"/briefing/document?city_id={city.far_office.city_id}&{QUERY}")
    assert "Denver water MOU" in far.get_data(as_text=True)
    assert "Stadium pilot MOU" not in far.get_data(as_text=True)
    auth.logout()
    auth.login(city.ana.email)
    other = client.get(f"/briefing/document?city_id={city.far_office.city_id}&{QUERY}")
    assert other.status_code == 404
    auth.logout()
    auth.login(city.member.email)
    assert client.get(f"/briefing/document?{QUERY}").status_code == 403
    assert client.get(f"/briefing/briefing.pdf?{QUERY}").status_code == 403


def test_an_empty_period_says_so_in_the_page_and_the_pdf(client, auth, city):
    auth.login(city.ana.email)
    html = client.get("/briefing/document?start=2024-01-01&end=2024-03-31").get_data(as_text=True)
    assert "No agreement was signed in this period." in html
    assert "Nothing to report for this period" in html
    pdf = client.get("/briefing/briefing.pdf?start=2024-01-01&end=2024-03-31")
    assert "No agreement was signed in this period." in _pdf_text(pdf.data)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-03-01&end=2026-02-01", "The last day comes on or after the first day."),
        ("start=2020-01-01&end=2024-01-01", "A briefing covers at most three years."),
        ("start=nonsense&end=2026-02-01", "Give the first day (YYYY-MM-DD)."),
        ("start=2026-01-01", "Give the last day (YYYY-MM-DD)."),
    ],
)
def test_a_wrong_period_is_shown_next_to_its_field(client, auth, city, query, message):
    auth.login(city.ana.email)
    for path in ("/briefing/document", "/briefing/briefing.pdf"):
        response = client.get(f"{path}?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and 'class="error"' in html
        assert message in html


def test_the_form_proposes_last_quarter_and_asks_admins_for_the_city(client, auth, city):
    auth.login(city.ana.email)
    html = client.get("/briefing").get_data(as_text=True)
    assert str(city.office.city) in html and 'name="city_id"' not in html
    assert re.search(r'name="start"[^>]*value="\d{4}-\d{2}-01"', html)
    auth.logout()
    auth.login(city.admin.email)
    response = client.get(f"/briefing/document?city_id=0&{QUERY}")
    assert response.status_code == 400 and "Choose the city." in response.get_data(as_text=True)


def _feature_page(client, intro_id: int) -> str:
    return client.get(f"/introductions/{intro_id}/briefing").get_data(as_text=True)


def _version(html: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', html).group(1)


def test_staff_feature_edit_and_remove_from_the_introductions_page(client, auth, city):
    auth.login(city.ana.email)
    detail = client.get(f"/introductions/{city.intro.id}").get_data(as_text=True)
    assert "Feature in the city briefing" in detail
    too_short = client.post(f"/introductions/{city.intro.id}/briefing", data={"summary": "Hi"})
    assert too_short.status_code == 200 and "Write at least 40 characters" in too_short.get_data(
        as_text=True
    )
    saved = client.post(f"/introductions/{city.intro.id}/briefing", data={"summary": SUMMARY})
    assert saved.status_code == 302
    detail = client.get(f"/introductions/{city.intro.id}").get_data(as_text=True)
    assert "Featured" in detail and SUMMARY in detail
    html = _feature_page(client, city.intro.id)
    client.post(
        f"/introductions/{city.intro.id}/briefing",
        data={"summary": SUMMARY + " Now with a second pilot.", "version": _version(html)},
    )
    briefing = client.get(f"/briefing/document?{QUERY}").get_data(as_text=True)
    assert "Now with a second pilot." in briefing
    html = _feature_page(client, city.intro.id)
    removed = client.post(
        f"/introductions/{city.intro.id}/briefing/remove", data={"version": _version(html)}
    )
    assert removed.status_code == 302
    briefing = client.get(f"/briefing/document?{QUERY}").get_data(as_text=True)
    assert "Now with a second pilot." not in briefing and "No item was featured" in briefing


def test_a_stale_edit_answers_409_and_keeps_the_winners_text(client, auth, city):
    features.mark_feature(db.session, city.intro.id, city.ana, SUMMARY)
    features.edit_feature(db.session, city.intro.id, city.admin, SUMMARY + " The admin's.", 1)
    auth.login(city.ana.email)
    stale = client.post(
        f"/introductions/{city.intro.id}/briefing", data={"summary": SUMMARY, "version": "1"}
    )
    assert stale.status_code == 409
    gone = client.post(f"/introductions/{city.intro.id}/briefing/remove", data={"version": "1"})
    assert gone.status_code == 409
    assert features.feature_of(db.session, city.intro.id).summary.endswith("The admin's.")


def test_another_office_cannot_mark_and_companies_are_refused(client, auth, city):
    for email, status in ((city.tom.email, 404), (city.dan.email, 404), (city.member.email, 403)):
        auth.login(email)
        response = client.post(
            f"/introductions/{city.intro.id}/briefing", data={"summary": SUMMARY}
        )
        assert response.status_code == status
        auth.logout()
    assert features.feature_of(db.session, city.intro.id) is None
