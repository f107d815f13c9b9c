"""Form fields and validators for code lists: NAICS sectors and ISO countries."""

from __future__ import annotations

from wtforms import StringField, ValidationError

from matchmaker import codes


class CodeListField(StringField):
    """A list of codes typed as comma-separated text, shown back the same way."""

    def _value(self) -> str:
        if isinstance(self.data, list | tuple):
            return ", ".join(self.data)
        return self.data or ""


def naics_codes(_form, field) -> None:
    """Comma-separated NAICS 2022 codes; turns the text into a list."""
    field.data = codes.split_codes(field.data)
    if bad := codes.invalid(field.data, codes.is_naics):
        raise ValidationError(f"Not NAICS 2022 codes: {', '.join(bad)}.")


def country_codes(_form, field) -> None:
    """Comma-separated ISO 3166 alpha-2 codes; turns the text into a list."""
    field.data = codes.split_codes(field.data)
    if bad := codes.invalid(field.data, codes.is_country):
        raise ValidationError(f"Not ISO country codes: {', '.join(bad)}.")


def country_code(_form, field) -> None:
    """One ISO 3166-1 alpha-2 code such as US or DE."""
    field.data = (field.data or "").strip().upper()
    if not codes.is_country(field.data):
        raise ValidationError("Use a two-letter ISO country code, such as US or DE.")


def id_or_none(value) -> int | None:
    """coerce= for a select of records with an empty "choose ..." first option."""
    if value in ("", None):
        return None
    return int(value)


def with_placeholder(text: str, pairs) -> list:
    """A required choice that starts empty ("Choose an office"), so nobody submits the first
    record of the list by accident; pair it with coerce=id_or_none and DataRequired."""
    return choices([("", text), *pairs])


def choices(pairs) -> list:
    """(value, label) pairs as WTForms choices: SelectChoice objects where WTForms has them."""
    try:
        from wtforms import SelectChoice
    except ImportError:  # WTForms < 3.3 takes the tuples themselves
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]
