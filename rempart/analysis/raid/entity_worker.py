"""The child process that finds workplaces and schools with spaCy for the doxxing detector
(see :func:`rempart.analysis.raid.doxxing.prewarm`): ``python -m
rempart.analysis.raid.entity_worker``. A module of its own, imported by nothing else, so that
running it as ``__main__`` never runs a module the package has already imported."""

from __future__ import annotations

from .doxxing import serve

if __name__ == "__main__":
    serve()
