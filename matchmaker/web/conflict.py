"""409 answers that say where to go next: the record as it is now, not only the start page."""

from __future__ import annotations

from werkzeug.exceptions import Conflict


class ConflictWithLink(Conflict):
    """Someone else was first; `link` leads to the record's current page."""

    def __init__(self, description: str, link: str, link_text: str) -> None:
        super().__init__(description)
        self.link, self.link_text = link, link_text
