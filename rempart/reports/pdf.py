"""The dossier as PDF: the HTML dossier's own template, laid out in pages by WeasyPrint.

The page is rendered with a URL fetcher that refuses everything but inline ``data:`` images, so
nothing a message says (a link, an image address, a font URL in hostile CSS text) is ever
fetched: the PDF is made offline from the dossier alone. Fonts come from the system (the set-up
installs DejaVu and Noto, with emoji, Arabic and CJK faces, so that no glyph renders as a box).

Example::

    pdf = render_pdf(render_html(dossier, medium="print"))
"""

from __future__ import annotations

import logging

from ..errors import RempartError

__all__ = ["render_pdf"]


def render_pdf(html: str) -> bytes:
    """The PDF of ``html`` (a page made by :func:`rempart.reports.html.render_html`)."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # the Pango/HarfBuzz libraries are missing
        raise RempartError(
            f"the PDF needs the Pango and HarfBuzz libraries ({exc}); run "
            "scripts/install-system-packages, or use --format html"
        ) from None
    # WeasyPrint logs every CSS property it ignores and every refused fetch; the dossier's
    # quoted messages are data, not instructions, so none of that is the user's concern.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    data: bytes = document.write_pdf()
    return data
