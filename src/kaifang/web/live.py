"""Newly published results without a restart: the dashboard watches where its results come from.

- A **results folder** (``kaifang serve results/``): ``kaifang assess`` replaces the whole folder
  at once (written beside it, then renamed into place), so the folder's identity and its
  ``run.json`` tell a new run. The dashboard reads the new folder when they change.
- An **assessment.yaml** (``kaifang serve assessment.yaml``): the dashboard reruns the assessment
  when its config, framework, units or data files change, or when the platform publishes data
  that a ``data: {database, period}`` source reads.

A check costs a few file status calls (and, for a database source, one short query); it runs
at most once per ``every`` seconds, in the first request after that time. The new results are
built aside while the other requests keep being answered from the old ones, then take their
place in one assignment. A request keeps the results it started with to its end
(``dashboard_of``), so no page mixes two runs. Results that cannot be read (a folder replaced
while it was read, a period unpublished, a config with an error) never replace good ones: the
old ones stay, the reason is logged, and the check is repeated once the source changes again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request

from kaifang.assessment.inputs import inputs_stamp
from kaifang.errors import KaifangError
from kaifang.web.data import Dashboard

log = logging.getLogger(__name__)
# seconds between two looks at the source, by default (kaifang serve --refresh)
DEFAULT_REFRESH = 2.0


def results_stamp(folder: Path) -> str:
    """A short hash of a results folder's identity and of its ``run.json`` (inode, time,
    size). Raises OSError while the folder is missing (between the two renames of a
    replacement)."""
    parts = []
    for path in (folder, folder / "run.json"):
        st = path.stat()
        parts.append(f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_size}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def source_stamp(dashboard: Dashboard) -> str:
    """The stamp of what ``dashboard`` was built from (see the module)."""
    if dashboard.assessment is None:
        return results_stamp(dashboard.source)
    return inputs_stamp(dashboard.assessment.inputs)


class LiveDashboard:
    """The dashboard of a source that may change while the server runs (see the module).

    ``every`` is the number of seconds between two checks (0: every request; None: never).
    ``opener`` builds a dashboard from the source (``Dashboard.open``)."""

    def __init__(
        self,
        dashboard: Dashboard,
        every: float | None = None,
        opener: Callable[[Path], Dashboard] = Dashboard.open,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._current = dashboard
        self.every = every
        self._opener = opener
        self._clock = clock
        self._checked = clock()
        self._lock = threading.Lock()
        self._stamp: str | None = None
        if every is not None:
            try:
                self._stamp = source_stamp(dashboard)
            except (KaifangError, OSError) as exc:
                log.warning("cannot watch %s for new results: %s", dashboard.source, exc)
        self.reloads = 0  # how many times new results took the place of the old ones

    def current(self) -> Dashboard:
        """The newest results; checks the source when ``every`` seconds have passed."""
        if self.every is None or self._clock() - self._checked < self.every:
            return self._current
        # one request checks; the others meanwhile are answered from the current results
        if not self._lock.acquire(blocking=False):
            return self._current
        try:
            self._checked = self._clock()
            self._refresh()
        finally:
            self._lock.release()
        return self._current

    def _refresh(self) -> None:
        old = self._current
        try:
            before = source_stamp(old)
        except (KaifangError, OSError) as exc:
            # a folder between its two renames, or a database that cannot be read right now
            log.warning("cannot check %s for new results: %s", old.source, exc)
            return
        if before == self._stamp:
            return
        try:
            fresh = self._opener(old.source)
        except (KaifangError, OSError, ValueError) as exc:
            failed: BaseException | None = exc
        else:
            failed = None
        try:
            after = source_stamp(old)
        except (KaifangError, OSError):
            after = None
        if after != before:
            # the source changed while it was read: the results may mix two versions
            log.info("%s changed while it was read; reading it again later", old.source)
            return
        self._stamp = before
        if failed is not None:
            log.warning("new results of %s not shown (the previous stay): %s", old.source, failed)
            return
        # one server, one queue for the uncertainty runs, whatever the results
        fresh.sensitivity_queue = old.sensitivity_queue
        # the trade results come from their own source (`kaifang serve --trade`), loaded once
        if fresh.trade is None:
            fresh.trade = old.trade
        self._current = fresh
        self.reloads += 1
        log.info("new results of %s shown", old.source)


def dashboard_of(request: Request) -> Dashboard:
    """The results a request works on: the newest when it started, the same to its end."""
    pinned: Dashboard | None = getattr(request.state, "dashboard", None)
    if pinned is None:
        live: LiveDashboard = request.app.state.live
        pinned = live.current()
        request.state.dashboard = pinned
    return pinned
