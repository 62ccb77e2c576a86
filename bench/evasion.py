"""Ban-evasion benchmark: precision and recall of the evasion links, with and without the
banned accounts' profiles.

For each seed, a simulated case (``random_scenario(seed, size)``) is written twice in the
twarc2 format: as a live capture (the banned accounts' profiles were captured before the
bans) and as a capture made after the bans (``banned_profiles=False``: a banned account is
only its id on its posts and a "User has been suspended" error). Each is ingested; the raid
analysis up to ban evasion runs (episodes, designating posts, evasion; the classifier is not
needed for evasion and is left out), and the links are compared with the ground truth.

    python bench/evasion.py [--seeds 1-8] [--size small]

Printed per seed and in total: links found, true links, false links (those that skip an
account of the same evader, A -> C for A -> B -> C, name the right person; the others a wrong
one, and how many of these join two ordinary raiders), precision and recall.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@dataclass
class Tally:
    """Counts of one mode over the seeds."""

    found: int = 0
    true: int = 0
    truth: int = 0
    raider_pairs: int = 0
    same_person: int = 0
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        self.found += other.found
        self.true += other.true
        self.truth += other.truth
        self.raider_pairs += other.raider_pairs
        self.same_person += other.same_person
        self.seconds += other.seconds

    def row(self) -> str:
        precision = self.true / self.found if self.found else 1.0
        recall = self.true / self.truth if self.truth else 1.0
        false = self.found - self.true
        wrong = false - self.same_person
        person = (self.found - wrong) / self.found if self.found else 1.0
        return (
            f"{self.found:4d} links, {self.true:4d} true of {self.truth:4d}, "
            f"{false:3d} false ({self.same_person} skip an account of the same evader, "
            f"{wrong} name a wrong person, {self.raider_pairs} of them between ordinary "
            f"raiders): precision {precision:.3f} (right person {person:.3f}), "
            f"recall {recall:.3f}  [{self.seconds:.1f} s]"
        )


def run(folder: Path, seed: int, size: str, profiles: bool) -> Tally:
    """Simulate, ingest and look for evasion links in one case; compare with the truth."""
    from rempart import case as api
    from rempart.analysis.raid.corpus import Corpus
    from rempart.analysis.raid.designating import designated, find_designating
    from rempart.analysis.raid.episodes import find_episodes
    from rempart.analysis.raid.evasion import find_evasion
    from rempart.simulate import random_scenario, write_twarc2

    scn = replace(random_scenario(seed, size), banned_profiles=profiles)
    truth = write_twarc2(folder / "raid.jsonl", scn)
    with api.init_case(folder / "case", truth["targets"]) as case:
        api.ingest(case, [folder / "raid.jsonl"])
        t0 = time.perf_counter()
        corpus = Corpus.from_store(case.store, case.targets)
        posts = find_designating(corpus, find_episodes(corpus))
        corpus.aim(designated(corpus, posts))
        links = find_evasion(corpus)
        seconds = time.perf_counter() - t0
    expected = {(x["from"], x["to"]) for x in truth["evasion_links"]}
    got = {(x.source, x.target) for x in links}
    chain = _chains(expected)
    ordinary = set(truth["campaign_accounts"]) - set(chain)
    false = got - expected
    raider_pairs = sum(a in ordinary and b in ordinary for a, b in false)
    same = sum(a in chain and chain.get(a) == chain.get(b) for a, b in false)
    return Tally(len(got), len(got & expected), len(expected), raider_pairs, same, seconds)


def _chains(links: set[tuple[str, str]]) -> dict[str, str]:
    """Account -> the first account of its evasion chain (one evader, several accounts)."""
    before = {b: a for a, b in links}
    out = {}
    for a, b in links:
        for x in (a, b):
            first = x
            while first in before:
                first = before[first]
            out[x] = first
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="1-8", help="A range (1-8) or a list (3,5,8).")
    parser.add_argument("--size", default="small")
    args = parser.parse_args()
    if "-" in args.seeds:
        lo, hi = (int(x) for x in args.seeds.split("-"))
        seeds = list(range(lo, hi + 1))
    else:
        seeds = [int(x) for x in args.seeds.split(",")]
    base = Path(tempfile.mkdtemp(prefix="rempart-evasion-"))
    totals = {True: Tally(), False: Tally()}
    for seed in seeds:
        for profiles in (True, False):
            folder = base / f"s{seed}-{'kept' if profiles else 'gone'}"
            folder.mkdir(parents=True)
            tally = run(folder, seed, args.size, profiles)
            totals[profiles].add(tally)
            label = "profiles kept   " if profiles else "profiles removed"
            print(f"seed {seed:3d} {label}: {tally.row()}", flush=True)
    for profiles in (True, False):
        label = "profiles kept   " if profiles else "profiles removed"
        print(f"all seeds {label}: {totals[profiles].row()}")


if __name__ == "__main__":
    main()
