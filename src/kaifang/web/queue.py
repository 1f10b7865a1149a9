"""A bounded queue for long computations: one runs at a time, a few wait, the rest are refused.

Each request runs in one of the server's worker threads; this queue makes those threads take
turns on the expensive part, so a burst of requests cannot keep every core busy for minutes,
and it refuses at once (``QueueFull``, HTTP 429) what would wait behind a full queue.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    """The computation is refused: ``running + waiting`` requests already hold the queue."""

    def __init__(self, waiting: int) -> None:
        super().__init__(f"{waiting} computations are already waiting")
        self.waiting = waiting


class ComputeQueue:
    """``run(compute)`` one at a time, with at most ``waiting`` callers waiting their turn."""

    def __init__(self, waiting: int = 2) -> None:
        if waiting < 0:
            raise ValueError("waiting must be >= 0")
        self.waiting = waiting
        self._places = threading.BoundedSemaphore(1 + waiting)
        self._turn = threading.Lock()
        self._count = threading.Lock()
        self._in_use = 0

    @property
    def in_use(self) -> int:
        """Computations running or waiting now."""
        with self._count:
            return self._in_use

    def run(self, compute: Callable[[], T]) -> T:
        """The value of ``compute()``, run when no other computation of this queue runs;
        ``QueueFull`` at once when the queue is full."""
        if not self._places.acquire(blocking=False):
            raise QueueFull(self.waiting)
        with self._count:
            self._in_use += 1
        try:
            with self._turn:
                return compute()
        finally:
            with self._count:
                self._in_use -= 1
            self._places.release()
