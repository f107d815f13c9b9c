"""NAICS 2022 and country code lists, and reading company CSV files (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchmaker import countries, naics
from matchmaker.services.companies.csv_import.columns import (
    MAX_ROWS,
    CsvFileError,
    read_csv,
    safe_cell,
    template_csv,
    unescape_cell,
)
from matchmaker.services.companies.csv_import.rows import check_row, is_website

DEV = Path("/work/shared/data/dev")
HEADER = "name,website,hq_country,size,naics_sectors\n"


def test_naics_list_has_every_level_of_the_2022_edition():
    codes = naics.codes()
    assert len(codes) > 2000
    assert {len(c) for c in codes} == {2, 3, 4, 5, 6}
    assert naics.title("5132") == "Software Publishers"  # new in 2022 (was 5112)
    assert naics.title("31") == naics.title("33") == "Manufacturing"
    assert not naics.is_valid("5112") and naics.title("5112") == ""


@pytest.mark.skipif(not DEV.exists(), reason="the shared development set is not here")
def test_naics_list_covers_every_code_of_the_development_set():
    used: set[str] = set()
    for path in DEV.glob("*.json"):
        data = json.loads(path.read_text())
        rows = data if isinstance(data, list) else []
        for row in rows:
            used.update(row.get("naics_sectors", []))
    assert used and naics.unknown(sorted(used)) == []


def test_naics_search_by_code_prefix_and_by_title_words():
    assert [c for c, _ in naics.search("5132")] == ["5132", "51321", "513210"]
    hits = naics.search("software publishers")
    assert hits[0] == ("5132", "Software Publishers")
    assert naics.search("") == []


def test_picker_choices_are_broad_codes_plus_the_selected_deep_ones():
    codes = [c for c, _ in naics.choices(["513210"])]
    assert "5132" in codes and "513210" in codes and "511210" not in codes


def test_countries_accept_codes_and_names():
    assert countries.normalise("de") == "DE"
    assert countries.normalise("DEU") == "DE"
    assert countries.normalise("Germany") == "DE"
    assert countries.normalise("Atlantis") is None
    assert countries.is_valid("US") and not countries.is_valid("XX")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com", True),
        ("http://www.example.co.uk/about", True),
        ("ftp://example.com", False),
        ("example.com", False),
        ("https://localhost", False),
        ("javascript:alert(1)", False),
    ],
)
def test_websites_must_be_http_addresses_with_a_domain(url, ok):
    assert is_website(url) is ok


def test_csv_with_a_byte_order_mark_reads_its_first_column():
    rows = read_csv(("\ufeff" + HEADER + "Acme,https://acme.example,DE,sme,5132\n").encode())
    assert rows[0].values["name"] == "Acme"
    assert rows[0].number == 2


def test_csv_with_semicolons_is_refused_with_a_clear_message():
    data = "name;website;hq_country;size;naics_sectors\nAcme;https://a.example;DE;sme;5132\n"
    with pytest.raises(CsvFileError, match="separated by semicolons"):
        read_csv(data.encode())


def test_quoted_newlines_and_commas_stay_inside_their_cell():
    data = HEADER.replace("\n", ",description\n") + (
        'Acme,https://acme.example,DE,sme,5132,"Line one,\nline two"\nBeta,https://b.example,'
        "US,large,5415,Plain\n"
    )
    rows = read_csv(data.encode())
    assert [r.values["name"] for r in rows] == ["Acme", "Beta"]
    assert rows[0].values["description"] == "Line one,\nline two"
    assert rows[1].number == 3  # spreadsheet rows, not physical lines


def test_csv_that_is_not_utf8_is_refused():
    with pytest.raises(CsvFileError, match="not UTF-8"):
        read_csv((HEADER + "Müller,https://m.example,DE,sme,5132\n").encode("latin-1"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"name,website\nA,https://a.example\n", "Missing required column"),
        ((HEADER.strip() + ",nickname\n").encode(), "Unknown column"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(data, message):
    with pytest.raises(CsvFileError, match=message):
        read_csv(data)


def test_too_many_rows_are_refused():
    data = HEADER + "A,https://a.example,DE,sme,5132\n" * (MAX_ROWS + 1)
    with pytest.raises(CsvFileError, match="more than 20,000 rows"):
        read_csv(data.encode())


def test_row_errors_name_the_column_and_the_problem():
    _, errors = check_row(
        {
            "name": "",
            "website": "acme",
            "hq_country": "Atlantis",
            "size": "huge",
            "naics_sectors": "5132|9999",
        }
    )
    text = " ".join(errors)
    for expected in ("name: required", "website:", "unknown country", "size:", "9999"):
        assert expected in text


def test_formula_cells_are_exported_as_text_and_read_back_unchanged():
    for value in ('=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)", "\tx"):
        assert safe_cell(value).startswith("'")
        assert unescape_cell(safe_cell(value)) == value
    assert safe_cell("Acme") == "Acme" and unescape_cell("'quoted") == "'quoted"


def test_the_template_reads_back_as_one_valid_row():
    rows = read_csv(template_csv().encode())
    data, errors = check_row(rows[0].values)
    assert errors == [] and data.profile["states"] == ["MA", "NY"]
