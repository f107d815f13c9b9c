"""Tiny valid PDFs for the agreement tests, written with pypdf (which the service reads with)."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def tiny_pdf(text: str = "Memorandum of understanding") -> bytes:
    """A one-page PDF; a different `text` gives different bytes (and fingerprint)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
