"""The PDF court file draws every script a raid is written in: Arabic, CJK and emoji come out
as real glyphs from the fonts the set-up installs, never as boxes, and read back as text."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rempart.models import Message
from rempart.reports.dossier import Cited, DossierInput, build_dossier
from rempart.reports.html import render_html
from rempart.reports.pdf import render_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdffonts") is None, reason="poppler-utils is installed by the set-up"
)

TEXTS = {
    "arabic": "سوف نجدك أيتها الصحفية",
    "chinese": "我们知道你住在哪里",
    "emoji": "tic tac ⏳ 🤡 🔪",
}


def _pdf(tmp_path: Path) -> Path:
    when = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    cited = tuple(
        Cited(
            Message("x", str(n), text, when, "100", "raider"),
            ("threat",),
            "high",
            n,
            "ab" * 32,
        )
        for n, text in enumerate(TEXTS.values(), start=1)
    )
    dossier = build_dossier(DossierInput("glyphs", ("@cible",), when, cited))
    out = tmp_path / "d.pdf"
    out.write_bytes(render_pdf(render_html(dossier, medium="print")))
    return out


def test_arabic_cjk_and_emoji_are_drawn_with_real_fonts(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "CJK" in fonts
    assert "Symbola" in fonts or "Emoji" in fonts
    # every character has a font that draws it (no .notdef box), among those the set-up installs
    for char in set("".join(TEXTS.values())) - {" "}:
        covering = subprocess.run(
            ["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True
        ).stdout
        assert covering.strip(), f"no installed font draws {char!r} (U+{ord(char):04X})"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert TEXTS["chinese"] in text
    assert "⏳" in text and "🤡" in text
    # Arabic reads back in visual order from some extractors; its letters must all be there
    assert set(TEXTS["arabic"].replace(" ", "")) <= set(text)
