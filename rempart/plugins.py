"""Plugin hooks: built-in sources register exactly as a third party's would.

A third-party package exposes a module under the ``rempart`` entry-point group::

    [project.entry-points.rempart]
    myformat = "myplugin.module"

and implements ``@hookimpl def rempart_sources(): return [MySource()]``, or
``@hookimpl def rempart_detectors(): return [MyDetector]`` for a raid detector.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("rempart")
hookimpl = pluggy.HookimplMarker("rempart")

DEFAULT_PLUGINS = ("rempart.sources.builtin", "rempart.analysis.raid.builtin")


class Hooks:
    """The hook specifications."""

    @hookspec
    def rempart_sources(self) -> list[Any]:  # type: ignore[empty-body]
        """Return Source objects (see :class:`rempart.sources.base.Source`)."""

    @hookspec
    def rempart_detectors(self) -> list[Callable[[], object]]:  # type: ignore[empty-body]
        """Return raid detector classes, or factories taking no argument, each making a fresh
        detector (see :class:`rempart.analysis.raid.detector.Detector`)."""


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, with built-ins and installed entry points loaded."""
    import importlib

    pm = pluggy.PluginManager("rempart")
    pm.add_hookspecs(Hooks)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints("rempart")
    return pm
