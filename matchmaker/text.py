"""Control characters in user text: refused in single-line fields, limited in multi-line ones.

A line break in a name reaches email subjects and headers (where it is an injection or a crash),
CSV exports and log lines; NUL cannot be stored by PostgreSQL at all. The forms, the services
that take names and titles, and the CSV import all apply the same two rules from here.
"""

from __future__ import annotations

import re

from matchmaker.services.errors import DomainError

# C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, except tab, line feed and carriage return, which a text area legitimately holds.
_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")

SINGLE_LINE_MESSAGE = "Use one line of text: no line breaks, tabs or control characters."
MULTI_LINE_MESSAGE = "Remove the control characters (only line breaks and tabs are allowed)."


def control_characters(text: str | None, multiline: bool = False) -> list[str]:
    """The distinct control characters in the text that the kind of field does not allow."""
    pattern = _MULTI_LINE if multiline else _SINGLE_LINE
    return sorted(set(pattern.findall(text or "")))


def problem(text: str | None, multiline: bool = False) -> str | None:
    """The message for a field holding characters it may not, or None when the text is fine."""
    if control_characters(text, multiline):
        return MULTI_LINE_MESSAGE if multiline else SINGLE_LINE_MESSAGE
    return None


def one_line(text: str | None) -> str:
    """The text with every control character replaced by a space (for values a system, not a
    person, supplied: upload file names, header values)."""
    return " ".join(_SINGLE_LINE.sub(" ", text or "").split())


class InvalidText(DomainError):
    """A field holds control characters its kind of text does not allow; `field` names it."""


def check_text(single: dict[str, str | None], multi: dict[str, str | None] | None = None) -> None:
    """The service-side rule: single-line values (by field name) hold no control characters,
    multi-line values none but line breaks and tabs. Raises InvalidText naming the first field."""
    for fields, multiline in ((single, False), (multi or {}, True)):
        for name, value in fields.items():
            if message := problem(value, multiline):
                raise InvalidText(message, name)
