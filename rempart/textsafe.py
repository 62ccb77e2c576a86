"""Text from a case made safe to show on a terminal.

Handles, display names, message texts and file names are written by the people a case is
about: they may hold terminal escape sequences (ESC, CSI, OSC hyperlinks or title changes),
carriage returns that rewrite a line, or bidirectional controls that show a line in another
order than it is stored (``U+202E`` turns ``exe.txt`` around). Every human-readable output goes
through :func:`safe_text` (one line) or :func:`safe_lines` (several), which replace each such
character with its visible escape (``\\x1b``, ``\\u202e``) and leave everything else as it is:
accents, scripts, emoji, and the zero-width joiner and variation selectors that emoji sequences
such as 👩‍💻 or 🏳️‍🌈 are made of. JSON output stays exact: see :func:`safe_json`.

What is neutralised:

- control characters: C0 (``U+0000``–``U+001F``, ESC among them), ``DEL`` and C1
  (``U+0080``–``U+009F``), i.e. Unicode category ``Cc``; :func:`safe_lines` keeps ``\\n``;
- bidirectional controls: ``U+061C``, ``U+200E``, ``U+200F``, ``U+202A``–``U+202E``,
  ``U+2066``–``U+2069``;
- line and paragraph separators (``U+2028``, ``U+2029``) and lone surrogates (bytes that were
  not UTF-8), which would break a line or the output's encoding.

JSON written for a terminal goes through :func:`safe_json`: the same characters become JSON
escapes (``\u202e``), so the text still parses to exactly the same values.

For output rendered by ``rich``, :func:`safe_markup` also escapes ``[``, so ``[bold]`` or
``[link=…]`` in the data is shown, not interpreted.

Example::

    click.echo(f"@{safe_text(handle)}: {safe_text(text)}")
"""

from __future__ import annotations

import unicodedata

__all__ = ["BIDI_CONTROLS", "safe_json", "safe_lines", "safe_markup", "safe_text"]

#: The bidirectional formatting characters (Unicode UAX #9): marks, embeddings, overrides and
#: isolates.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f"
    + "".join(map(chr, range(0x202A, 0x202F)))
    + "".join(map(chr, range(0x2066, 0x206A)))
)
_UNSAFE_CATEGORIES = frozenset(("Cc", "Cs", "Zl", "Zp"))


def _unsafe(char: str) -> bool:
    return char in BIDI_CONTROLS or unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe_text(text: object) -> str:
    """``text`` (any value, shown with ``str``) on one line with every control, bidirectional
    control and line separator replaced by its visible escape; the rest untouched."""
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():
        return value  # the common case, at once
    return "".join(_escape(c) if _unsafe(c) else c for c in value)


def safe_lines(text: object) -> str:
    """Like :func:`safe_text`, keeping the line breaks (``\\n``) of a multi-line report."""
    value = text if isinstance(text, str) else str(text)
    return "\n".join(safe_text(line) for line in value.split("\n"))


def safe_markup(text: object) -> str:
    """:func:`safe_text`, and escaped for ``rich`` markup: ``[`` in the data is shown as is."""
    from rich.markup import escape

    return escape(safe_text(text))


def safe_json(text: str) -> str:
    """JSON text with every character :func:`safe_text` would escape written as a JSON
    ``\\uXXXX`` escape: it parses to exactly the same values (those characters can only occur
    inside JSON strings), and shows nothing raw on a terminal."""
    if text.isascii() and "\x7f" not in text:
        return text  # JSON writers escape the C0 controls already
    # a raw tab, newline or carriage return can only be JSON's own white space between tokens
    # (writers escape them inside strings): it stays, or the text would no longer parse
    return "".join(f"\\u{ord(c):04x}" if _unsafe(c) and c not in _JSON_SPACE else c for c in text)


_JSON_SPACE = frozenset("\t\n\r")
