"""Plugin hooks: built-in sources register exactly as a third party's would.

A third-party package exposes a module under the ``rempart`` entry-point group::

    [project.entry-points.rempart]
    myformat = "myplugin.module"

and implements ``@hookimpl def rempart_sources(): return [MySource()]``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("rempart")
hookimpl = pluggy.HookimplMarker("rempart")

DEFAULT_PLUGINS = ("rempart.sources.builtin",)


class Hooks:
    """The hook specifications."""

    @hookspec
    def rempart_sources(self) -> list[Any]:  # type: ignore[empty-body]
        """Return Source objects (see :class:`rempart.sources.base.Source`)."""


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
