"""The scenario simulator: invented harassment raids in the twarc2 format, with their ground truth.

Modules, from the parameters to the files:

- :mod:`.scenario`: :class:`RaidScenario`, :func:`random_scenario` and the case's timeline;
- :mod:`.people` and :mod:`.text`: invented names, handles, personal data and texts;
- :mod:`.world`: the cast (targets, regulars, raiders, evaders, impersonators);
- :mod:`.plan`: when each message is posted, by whom, in reply to what;
- :mod:`.pages`: the twarc2 pages, as a live watch would have captured them;
- :mod:`.capture`: :func:`simulate`, :func:`write_twarc2` and :func:`write_truth`;
- :mod:`.grading`: :func:`compare`, raid findings against a scenario's ground truth;
- :mod:`.simple_raid`: the first, fixed-shape scenario (one French raid) and its phrase banks.

The simulator depends on nothing in :mod:`rempart.analysis`, and the analysis never imports it.

Example::

    from rempart.simulate import random_scenario, write_truth, write_twarc2
    truth = write_twarc2(Path("raid.jsonl"), random_scenario(7, "small"))
    write_truth(Path("raid.truth.json"), truth)
"""

from __future__ import annotations

from .capture import Simulation, simulate, write_truth, write_twarc2
from .grading import Comparison, compare
from .scenario import RaidScenario, random_scenario

__all__ = [
    "Comparison",
    "RaidScenario",
    "Simulation",
    "compare",
    "random_scenario",
    "simulate",
    "write_truth",
    "write_twarc2",
]
