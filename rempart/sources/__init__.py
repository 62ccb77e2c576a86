"""Input formats: each turns platform exports into raw records and normalised items."""

from .base import ParseContext, Source, Unit
from .detect import detect, expand_paths, get_source, read_file, sources

__all__ = [
    "ParseContext",
    "Source",
    "Unit",
    "detect",
    "expand_paths",
    "get_source",
    "read_file",
    "sources",
]
