"""Registers rempart's own formats through the same hook a plugin would use."""

from __future__ import annotations

from typing import Any

from ..plugins import hookimpl


@hookimpl
def rempart_sources() -> list[Any]:
    from .bluesky import BlueskySource
    from .csvfile import CsvSource
    from .mastodon import MastodonSource, MastodonStreamSource
    from .sms import TwilioSource, VonageSource
    from .twitter import Twarc2Source
    from .twitter_archive import TwitterArchiveSource
    from .twitter_v1 import TwitterV1Source

    return [
        Twarc2Source(),
        TwitterV1Source(),
        TwitterArchiveSource(),
        MastodonSource(),
        MastodonStreamSource(),
        BlueskySource(),
        TwilioSource(),
        VonageSource(),
        CsvSource(),
    ]
