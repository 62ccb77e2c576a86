"""Find the right source for a file, and read files without a case (for tests and tools).

Example::

    src = detect(Path("mentions.jsonl"))      # -> the twarc2 source
    for unit, items in read_file(Path("mentions.jsonl")): ...
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Iterator

from ..errors import ParseError, SourceError
from ..models import Item
from ..plugins import plugin_manager
from .base import ParseContext, Source, Unit

HEAD_SIZE = 65536

#: Files inside export folders that never hold messages (media, glossaries, OS litter).
SKIP_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".mp4", ".webp", ".mov", ".zip", ".db",
                 ".sqlite", ".pdf", ".toml", ".md", ".html", ".css"}


def sources() -> dict[str, Source]:
    """All registered sources by name (built-ins and plugins)."""
    out: dict[str, Source] = {}
    for batch in plugin_manager().hook.rempart_sources():
        for src in batch:
            out.setdefault(src.name, src)
    return out


def get_source(name: str) -> Source:
    """The source called ``name``, or a SourceError listing the valid names."""
    all_sources = sources()
    if name not in all_sources:
        raise SourceError(f"unknown format {name!r}; use one of: {', '.join(sorted(all_sources))}")
    return all_sources[name]


def detect(path: Path) -> Source:
    """The source most confident that it can read ``path``.

    Raises SourceError naming the file when no source recognises it.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_SIZE)
    except OSError as exc:
        raise SourceError(f"cannot read file ({exc.strerror})", str(path)) from None
    best: tuple[float, Source] | None = None
    for src in sources().values():
        try:
            score = float(src.sniff(head, path))
        except Exception:  # a plugin's sniff must never break detection
            score = 0.0
        if score > 0 and (best is None or score > best[0]):
            best = (score, src)
    if best is None:
        names = ", ".join(sorted(sources()))
        raise SourceError(f"format not recognised; pass --format with one of: {names}", str(path))
    return best[1]


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files to ingest: files as given, folders walked recursively in sorted order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                hidden = f.name.startswith(".")
                if f.is_file() and not hidden and f.suffix.lower() not in SKIP_SUFFIXES:
                    out.append(f)
        elif p.exists():
            out.append(p)
        else:
            raise SourceError("no such file or folder", str(p))
    return out


def read_file(
    path: Path, format: str | None = None, captured_at: datetime | None = None
) -> Iterator[tuple[Unit, list[Item] | ParseError]]:
    """Split and parse a file without any case: ``(unit, items or the ParseError)`` per record."""
    src = get_source(format) if format else detect(path)
    when = captured_at or datetime.now(UTC)
    for unit in src.units(path):
        ctx = ParseContext(when, str(path), unit.line, unit.context, src.name)
        try:
            yield unit, src.parse(unit.raw, ctx)
        except ParseError as exc:
            yield unit, exc
