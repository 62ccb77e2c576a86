"""The seam through which work is mapped over batches: in this process now, Spark later.

A :class:`Runner` applies a function to each batch and gives the results back in the order of
the batches, lazily, so that the caller can store each result as it comes (scores are stored
batch by batch, in their own transactions). :class:`InProcess` is the default and the
in-memory twin of the distributed runners (a Spark runner maps the same function over the
partitions of a corpus, with the model broadcast once per executor).

Example::

    runner = InProcess()
    for total in runner.map(sum, [[1, 2], [3]]):
        print(total)        # 3, then 3
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

__all__ = ["InProcess", "Runner"]

T = TypeVar("T")
R = TypeVar("R")


class Runner(Protocol):
    """Maps a function over batches; results come back in the order of the batches."""

    def map(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        """``fn(batch)`` for each batch, in order, as each is ready."""
        ...


class InProcess:
    """Runs each batch in this process, one after the other, when its result is asked for."""

    def map(self, fn: Callable[[T], R], batches: Iterable[T]) -> Iterator[R]:
        for batch in batches:
            yield fn(batch)
