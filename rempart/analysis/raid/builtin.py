"""Registers rempart's own raid detectors through the same hook a plugin would use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...plugins import hookimpl

if TYPE_CHECKING:
    from .detector import Detector


@hookimpl
def rempart_detectors() -> list[Callable[[], Detector]]:
    from .campaign import CampaignDetector
    from .designating import DesignatingDetector
    from .doxxing import DoxxingDetector
    from .episodes import EpisodeDetector
    from .evasion import EvasionDetector
    from .impersonation import ImpersonationDetector
    from .origins import OriginDetector

    return [
        EpisodeDetector,
        DesignatingDetector,
        CampaignDetector,
        OriginDetector,
        EvasionDetector,
        ImpersonationDetector,
        DoxxingDetector,
    ]
