"""Text as the classifier sees it: live messages and training data go through the same cleaning.

:func:`clean_text` decodes HTML entities, removes control and invisible characters, drops the
addressing that opens a retweet or a reply, and replaces mentions by :data:`MENTION` and links
by :data:`URL`; :func:`has_content` says whether anything is left.
"""

from __future__ import annotations

import html
import re
import unicodedata

#: What :func:`clean_text` puts in place of a user mention and of a link.
MENTION = "@user"
URL = "http://url"

_RETWEET = re.compile(r"(?<!\w)rt\s+@\w+\s*:?\s*", re.IGNORECASE)
_LEADING_MENTIONS = re.compile(r"^(?:\s*@\w+[:,]?)+\s*")
_MENTION = re.compile(r"(?<![\w@])@\w+")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+|(?<!\w)@url\b|\[URL\]", re.IGNORECASE)
# Control characters (category Cc) but newline and tab, zero-width spaces, byte-order marks,
# bidirectional overrides. Joiners (U+200C, U+200D) stay: emoji sequences need them.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")


def clean_text(text: str) -> str:
    """Return *text* as the classifier sees it.

    HTML entities are decoded; control characters (but newlines), byte-order marks, zero-width
    spaces and bidirectional overrides are removed; a retweet prefix (``RT @name:``) and the
    chain of mentions that opens a reply are dropped (they are addressing, not content); other
    mentions become :data:`MENTION` and links :data:`URL`, so no handle or profile link of a real
    person is kept; runs of spaces collapse. ``clean_text("RT @bob: vas-y @alice &amp; moi")``
    is ``"vas-y @user & moi"``.
    """
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text).replace("\t", " ")
    text = _RETWEET.sub("", text.replace("[USER]", MENTION))
    text = _URL.sub(URL, text)
    text = _LEADING_MENTIONS.sub("", text)
    text = _MENTION.sub(MENTION, text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def has_content(text: str) -> bool:
    """Whether a cleaned text says anything beyond placeholders and punctuation.

    A letter, a digit or a symbol (emoji, ``<3``) counts; ``"@user http://url !!"`` does not.
    """
    rest = text.replace(MENTION, " ").replace(URL, " ")
    return any(unicodedata.category(ch)[0] in "LNS" for ch in rest)
