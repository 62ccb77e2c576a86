"""Find the right source for a file, and read files without a case (for tests and tools).

Example::

    src = detect(Path("mentions.jsonl"))      # -> the twarc2 source
    for unit, items in read_file(Path("mentions.jsonl")): ...
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ParseError, SourceError
from ..models import Item
from ..plugins import plugin_manager
from .base import ParseContext, Source, Unit, parse_safely

HEAD_SIZE = 65536

#: Files inside export folders that never hold messages (media, glossaries, OS litter).
SKIP_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".mp4",
    ".webp",
    ".mov",
    ".zip",
    ".db",
    ".sqlite",
    ".pdf",
    ".toml",
    ".md",
    ".html",
    ".css",
}


def sources() -> dict[str, Source]:
    """All registered sources by name (built-ins and plugins)."""
    out: dict[str, Source] = {}
    for batch in plugin_manager().hook.rempart_sources():
        for src in batch:
            out.setdefault(src.name, src)
    return out


@dataclass(frozen=True)
class FormatInfo:
    """An input format rempart can read: the name ``--format`` takes, and what it reads."""

    name: str
    description: str


def formats() -> list[FormatInfo]:
    """Every input format, built in or from a plugin, by name."""
    return [FormatInfo(name, src.description) for name, src in sorted(sources().items())]


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


#: Why a suffix of :data:`SKIP_SUFFIXES` is not read.
_SUFFIX_REASONS = {
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".gif", ".mp4", ".webp", ".mov"), "media file"),
    ".zip": "archive (unpack it and import what it holds)",
    ".db": "database file",
    ".sqlite": "database file",
    **dict.fromkeys((".pdf", ".toml", ".md", ".html", ".css"), "document, not a platform export"),
}

#: The files that make a folder a rempart case (see :mod:`rempart.case`): such a folder is never
#: read as input, so a capture never seals a case's own database or private key.
CASE_MARKERS = ("rempart.toml", "case.db")
#: What a case folder holds of its own: never read, even when named explicitly.
CASE_OWN = frozenset(
    {*CASE_MARKERS, "case.db-wal", "case.db-shm", "case.db-journal", "keys", "exports"}
)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A path handed to ingest (or found in a folder) that is not read, and why."""

    path: Path
    reason: str
    size: int = 0


def is_case_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a rempart case."""
    return all((folder / name).exists() for name in CASE_MARKERS)


def walk_inputs(
    paths: list[Path], exclude: Iterable[Path] = ()
) -> tuple[list[Path], list[Skipped]]:
    """The files to read, and what is left out with the reason, both in path order.

    Files are taken as given, folders walked recursively. Never read: anything inside
    ``exclude`` (the open case's folder) or inside another rempart case, hidden files and
    folders, media, archives and documents (:data:`SKIP_SUFFIXES`), links to folders, empty
    files, and what is not a regular file. A pipe, socket or device named explicitly raises a
    SourceError at once (reading one would block or never end); a missing path too.
    """
    excluded = [_resolved(p) for p in exclude]
    files: list[Path] = []
    skipped: list[Skipped] = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            raise SourceError("no such file or folder", str(p)) from None
        inside = _inside(p, excluded + _cases_above(p))
        if inside:
            skipped.append(Skipped(p, inside))
        elif stat.S_ISDIR(st.st_mode):
            if is_case_folder(p):
                skipped.append(Skipped(p, "a rempart case folder: never read as input"))
            else:
                _walk(p, excluded, files, skipped)
        elif not stat.S_ISREG(st.st_mode):
            raise SourceError(
                f"not a regular file ({_kind(st.st_mode)}): rempart reads only "
                "regular files, never pipes, sockets or devices",
                str(p),
            )
        elif st.st_size == 0:
            skipped.append(Skipped(p, "empty"))
        else:
            files.append(p)
    return files, sorted(skipped, key=lambda s: str(s.path))


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files to ingest: files as given, folders walked recursively in sorted order (see
    :func:`walk_inputs`, which also says what it leaves out)."""
    return walk_inputs(paths)[0]


def _walk(root: Path, excluded: list[Path], files: list[Path], skipped: list[Skipped]) -> None:
    found: list[Path] = []
    for folder, dirs, names in os.walk(
        root,
        onerror=lambda e: skipped.append(
            Skipped(Path(e.filename or root), f"cannot read folder ({e.strerror})")
        ),
    ):
        here = Path(folder)
        keep = []
        for d in sorted(dirs):
            sub = here / d
            reason = _folder_reason(sub, excluded)
            if reason:
                skipped.append(Skipped(sub, reason))
            else:
                keep.append(d)
        dirs[:] = keep
        for name in names:
            f = here / name
            reason, size = _file_reason(f, excluded)
            if reason:
                skipped.append(Skipped(f, reason, size))
            else:
                found.append(f)
    files.extend(sorted(found))


def _folder_reason(sub: Path, excluded: list[Path]) -> str | None:
    if sub.is_symlink():
        return "link to a folder: not followed"
    if sub.name.startswith("."):
        return "hidden folder"
    if _resolved(sub) in excluded:
        return "the case folder itself: never read as input"
    if is_case_folder(sub):
        return "a rempart case folder: never read as input"
    return _inside(sub, excluded)


def _file_reason(f: Path, excluded: list[Path]) -> tuple[str | None, int]:
    if f.name.startswith("."):
        return "hidden file", 0
    suffix = f.suffix.lower()
    if suffix in SKIP_SUFFIXES:
        return _SUFFIX_REASONS.get(suffix, "not a platform export"), 0
    try:
        st = os.stat(f)
    except OSError as exc:
        return f"cannot read ({exc.strerror})", 0
    if not stat.S_ISREG(st.st_mode):
        return f"not a regular file ({_kind(st.st_mode)})", 0
    inside = _inside(f, excluded)
    if inside:
        return inside, st.st_size
    if st.st_size == 0:
        return "empty", 0
    return None, st.st_size


def _cases_above(p: Path) -> list[Path]:
    """The rempart case folders that hold ``p`` (a path named explicitly)."""
    return [parent for parent in _resolved(p).parents if is_case_folder(parent)]


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except OSError:
        return p.absolute()


def _inside(p: Path, excluded: list[Path]) -> str | None:
    """Why ``p`` is not read when it is an excluded case folder or one of its own files (its
    configuration, database, keys, exports), else None. Other files a user keeps in the case
    folder (the demo's ``inputs/``) may be named explicitly; a walk never enters a case."""
    if not excluded:
        return None
    real = _resolved(p)
    for ex in excluded:
        if real == ex:
            return "the case folder itself: never read as input"
        if ex in real.parents and real.relative_to(ex).parts[0] in CASE_OWN:
            return "one of the case's own files: never read as input"
    return None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_file(
    path: Path, format: str | None = None, captured_at: datetime | None = None
) -> Iterator[tuple[Unit, list[Item] | ParseError]]:
    """Split and parse a file without any case: ``(unit, items or the ParseError)`` per record."""
    src = get_source(format) if format else detect(path)
    when = captured_at or datetime.now(UTC)
    for unit in src.units(path):
        ctx = ParseContext(when, str(path), unit.line, unit.context, src.name)
        try:
            yield unit, parse_safely(src, unit.raw, ctx)
        except ParseError as exc:
            yield unit, exc
