"""Running the service's units of work in store transactions, with group commit.

Each write of the service is a unit of work: a function of a transaction (`Tx`) whose effects
must commit together or not at all, before its caller answers. Run one at a time, each pays a
whole transaction (on SQLite: taking the write lock, the commit's write to the WAL) for a few
statements. Group commit runs the units that arrive while a transaction is in progress together
in the next one: the first waiting caller leads, runs every queued unit inside its own savepoint
(a unit that fails is rolled back alone and its caller gets its exception), commits once, and
only then are all of them answered. A unit is still committed before its caller returns, and a
commit that fails (a full disk, a lost connection) fails every unit of the group: nothing is
answered as stored that is not.

PostgreSQL runs each unit in its own transaction (its connections run them side by side; a
deadlock between two processes, rare with leads locked in key order, is retried).
"""

from __future__ import annotations

import threading
import time


class _Unit:
    __slots__ = ("work", "done", "result", "error")

    def __init__(self, work):
        self.work = work
        self.done = False
        self.result = None
        self.error: BaseException | None = None


class Committer:
    def __init__(self, store, group: bool | None = None, attempts: int = 5):
        self.store = store
        self.group = (not store.row_locks) if group is None else group
        self.attempts = attempts
        self.retryable = getattr(store, "retryable", ())
        self._cond = threading.Condition()
        self._queue: list[_Unit] = []
        self._busy = False
        self.groups = 0  # transactions committed by group commit (for tests and metrics)
        self.units = 0

    def run(self, work):
        """Run `work(tx)` in a transaction committed before this returns; its result, or its
        exception (nothing of it stored)."""
        if not self.group:
            return self._alone(work)
        unit = _Unit(work)
        with self._cond:
            self._queue.append(unit)
            while self._busy and not unit.done:
                self._cond.wait()
            if not unit.done:
                self._busy = True
                units, self._queue = self._queue, []
        if not unit.done:
            try:
                self._together(units)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
        if unit.error is not None:
            raise unit.error
        return unit.result

    def _alone(self, work):
        for attempt in range(self.attempts):
            try:
                with self.store.transaction() as tx:
                    return work(tx)
            except self.retryable:
                if attempt == self.attempts - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        return None  # pragma: no cover

    def _together(self, units: list[_Unit]) -> None:
        if len(units) == 1:  # no savepoint needed
            unit = units[0]
            try:
                unit.result = self._alone(unit.work)
            except BaseException as e:  # noqa: BLE001 - handed to its caller
                unit.error = e
            unit.done = True
            return
        try:
            with self.store.transaction() as tx:
                for unit in units:
                    tx.q("SAVEPOINT unit")
                    try:
                        unit.result = unit.work(tx)
                    except Exception as e:  # noqa: BLE001 - this unit only is rolled back
                        tx.q("ROLLBACK TO SAVEPOINT unit")
                        unit.error = e
                    tx.q("RELEASE SAVEPOINT unit")
            self.groups += 1
            self.units += len(units)
        except BaseException as e:  # noqa: BLE001 - the commit failed: every unit failed
            for unit in units:
                unit.result, unit.error = None, e
        for unit in units:
            unit.done = True
