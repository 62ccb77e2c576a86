"""Simulated harassment raids in the twarc2 format, with their ground truth.

A scenario (:class:`RaidScenario`, or :func:`random_scenario` for one drawn from a seed) becomes
a live capture of X API v2 pages around one or two targets: baseline chatter with daily and
weekly cycles, organic critics, a raid set off by organisers linking a forum thread or a chat
invite and by designating posts (some never mentioning the target), replies and quotes under
them, copy-paste waves of insults and threats from fresh accounts, doxxing, impersonators,
ban-evasion chains, deleted and edited posts, then (or not) a support wave and a TV spike.
Everything is invented: names, handles, ``.invalid`` and ``.example`` links, and phone numbers
from the ranges reserved for fiction.

The truth says what a perfect detector would find: episodes, campaign accounts, designating
posts, origins, evasion links, impersonators, doxxing spans (offsets into the text as rempart
stores it) and the decoys planted to mislead.

Example::

    scn = random_scenario(7, "small")
    truth = write_twarc2(Path("raid.jsonl"), scn)
    write_truth(Path("raid.truth.json"), truth)
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from .pages import render_pages
from .plan import F_LINK, F_LINK2, K_EDIT, K_RAID, Plan, build_plan
from .scenario import RaidScenario, Timeline, random_scenario, timeline
from .world import CAMPAIGN_ROLES, World, build_world

__all__ = [
    "RaidScenario",
    "Simulation",
    "random_scenario",
    "simulate",
    "write_truth",
    "write_twarc2",
]

#: A line cut short, as a capture interrupted mid-write leaves it (a deliberate reject).
BROKEN_LINE = b'{"data": [{"id": "1", "text": "tronqu\xc3\xa9 par une coupure r\n'


@dataclass
class Simulation:
    """A simulated capture: twarc2 pages in capture order, and what they contain."""

    scenario: RaidScenario
    truth: dict[str, Any]
    pages: Iterator[dict[str, Any]]


def simulate(scn: RaidScenario) -> Simulation:
    """Lay out ``scn``; pages are produced lazily (a million messages fit in memory)."""
    line = timeline(scn)
    world = build_world(scn, line)
    plan = build_plan(scn, line, world)
    return Simulation(scn, _truth(scn, line, world, plan), render_pages(scn, line, world, plan))


def write_twarc2(path: Path | str, scn: RaidScenario) -> dict[str, Any]:
    """Write ``scn`` as a twarc2 JSONL file (one page a line, streamed); return the truth."""
    sim = simulate(scn)
    rng = random.Random(scn.seed * 23 + 9)
    breaks = {rng.randint(1, 40) for _ in range(scn.broken_lines)}
    written = 0
    with open(path, "wb") as fh:
        for k, page in enumerate(sim.pages):
            if k in breaks:
                fh.write(BROKEN_LINE)
                written += 1
            fh.write(orjson.dumps(page))
            fh.write(b"\n")
        fh.write(BROKEN_LINE * (len(breaks) - written))
    return sim.truth


def write_truth(path: Path | str, truth: dict[str, Any]) -> None:
    """Write the ground truth as indented JSON."""
    Path(path).write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n")


# --------------------------------------------------------------------------- the truth


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _truth(scn: RaidScenario, line: Timeline, world: World, plan: Plan) -> dict[str, Any]:
    acc = world.accounts
    ids = _Ids(plan)
    targets = [acc[i].handle for i in world.targets]
    messages = plan.kind != K_EDIT
    posting = {int(a) for a in np.unique(plan.author[messages])}
    specials = {
        role: plan.rows_of(role)
        for role in ("designating", "doxxing", "decoy", "payload", "organiser")
    }
    return {
        "seed": scn.seed,
        "params": scn.params(),
        "targets": targets,
        "target_ids": [acc[i].id for i in world.targets],
        "episodes": _episodes(line, targets[0]),
        "campaign_accounts": sorted(acc[a].id for a in posting if acc[a].role in CAMPAIGN_ROLES),
        "designating_posts": [ids[r] for r in specials["designating"]],
        "origins": _origins(world, plan, specials["organiser"]),
        "origin_posts": [ids[r] for r in specials["organiser"]],
        "evasion_links": [
            {
                "from": acc[c.members[k]].id,
                "to": acc[c.members[k + 1]].id,
                "from_handle": acc[c.members[k]].handle,
                "to_handle": acc[c.members[k + 1]].handle,
                "stop": c.statuses[k],
                "stopped_at": _iso(c.stops[k]),
                "resumed_at": _iso(c.resumes[k]),
            }
            for c in world.chains
            for k in range(len(c.stops))
        ],
        "impersonators": [
            {"account_id": acc[a].id, "handle": acc[a].handle, "target": targets[which]}
            for a, which in world.impersonators
        ],
        "doxxing": [
            {
                "message_id": ids[r],
                "kinds": sorted({k for _, _, k in plan.specials[plan.special[r]].spans}),
                "spans": [
                    {"start": a, "end": b, "kind": k}
                    for a, b, k in plan.specials[plan.special[r]].spans
                ],
            }
            for r in specials["doxxing"]
        ],
        "doxxing_decoys": [ids[r] for r in specials["decoy"]],
        "messages": int(messages.sum()),
        "raid_messages": int((plan.kind == K_RAID).sum()) + len(specials["doxxing"]),
        "suspensions": [
            {"account_id": acc[s].id, "status": status, "at": _iso(t)}
            for t, kind, s, status in plan.events
            if kind == "user"
        ],
        "deleted_messages": [ids[r] for _, kind, r, _ in plan.events if kind == "tweet"],
        "edited_messages": [ids[int(plan.ref[r])] for r in np.nonzero(~messages)[0]],
        "hostile_payloads": [ids[r] for r in specials["payload"]],
        "raid_hashtags": list(world.raid_tags),
        "support_hashtag": world.support_tag if line.support else None,
        "languages": dict(scn.languages),
        "rejects": scn.broken_lines,
        "decoys": {
            "similar_handles": [[acc[a].id, acc[b].id] for a, b in world.similar_pairs],
            "namesakes": [acc[a].id for a in world.namesakes],
            "new_accounts": [acc[a].id for a, _ in world.newcomers],
        },
    }


class _Ids:
    """Message ids as strings, made on demand (a list of a million strings weighs 80 MB)."""

    def __init__(self, plan: Plan) -> None:
        self.ids = plan.ids

    def __getitem__(self, row: int) -> str:
        return str(int(self.ids[row]))


def _episodes(line: Timeline, target: str) -> list[dict[str, Any]]:
    out = [
        {
            "kind": "harassment",
            "target": target,
            "start": _iso(line.raid_start),
            "peak": _iso(line.raid_peak),
            "end": _iso(line.raid_end),
        }
    ]
    for kind, span in (("support", line.support), ("neutral", line.spike)):
        if span:
            out.append(
                {
                    "kind": kind,
                    "target": target,
                    "start": _iso(span[0]),
                    "peak": _iso(span[1]),
                    "end": _iso(span[2]),
                }
            )
    return sorted(out, key=lambda e: e["start"])


def _origins(world: World, plan: Plan, organiser_rows: list[int]) -> list[dict[str, Any]]:
    """Each origin link with the time it was first posted."""
    first: dict[str, float] = {}
    for r in organiser_rows:
        for url in plan.specials[plan.special[r]].urls.values():
            first[url] = min(first.get(url, np.inf), float(plan.t[r]))
    for flag, k in ((F_LINK, 0), (F_LINK2, 1)):
        rows = np.nonzero(plan.flags & flag)[0]
        if len(rows) and k < len(world.origin_urls):
            url = world.origin_urls[k]
            first[url] = min(first.get(url, np.inf), float(plan.t[rows[0]]))
    return [
        {"url": url, "first_seen": _iso(t)} for url, t in sorted(first.items(), key=lambda x: x[1])
    ]
