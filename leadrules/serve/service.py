"""The service's work, free of HTTP: one object over the store and the model in service.

Its jobs live in their own modules, mixed in here: `writes.py` (events, attributes, merges,
erasures), `scoring.py` (rescoring, history, transitions, deliveries; the time-driven and the
model-change rescores), `reads.py` (leads, explanations, history, pages, transitions); the model
in service is a `loaded.Loaded`, the counters a `metrics.Metrics`.

Every change runs in one store transaction: the events (or attributes), the lead's new score,
its history row, its transition and the outbox rows of its actions commit together or not at
all (`_run`: `commit.py`, group commit of concurrent writes on SQLite).

The service's instant (`now`) is the wall clock (`clock`, injectable for tests, to the
millisecond), except that it never goes back: when the wall clock is set back, the instant stays
at the latest one the service used (its high-water mark, which a restart takes back from the
latest recorded transition) until the wall clock catches up. docs/serve.md tells what a jump of
the clock does.
"""

from __future__ import annotations

import threading

from leadrules import model as m
from leadrules.serve import actions, validate
from leadrules.serve.commit import Committer
from leadrules.serve.config import Config
from leadrules.serve.instants import iso, now_ms
from leadrules.serve.loaded import Loaded
from leadrules.serve.metrics import Metrics
from leadrules.serve.reads import NotFound, Reads, history_json
from leadrules.serve.scoring import Scoring
from leadrules.serve.writes import Writes

CAUSES = ("event", "attributes", "time", "model")
__all__ = ["CAUSES", "Loaded", "NotFound", "Service", "history_json", "iso", "now_ms"]


class Service(Writes, Scoring, Reads):
    def __init__(
        self,
        store,
        model: m.Model,
        sources: dict[str, str],
        config: Config | None = None,
        clock=now_ms,
        fire_on_model_change: bool = False,
    ):
        self.store = store
        self.config = config or Config()
        self.clock = clock
        self.fire_on_model_change = fire_on_model_change
        self.loaded = Loaded.of(model, sources, self.config)
        self.metrics = Metrics()
        self.model_lock = threading.Lock()
        self.reloads = 0
        self.wake = threading.Event()  # the scheduler's: a lead's next change moved earlier
        self.committer = Committer(store)
        self.deliveries = None  # the delivery worker's counts, when it runs in this process
        self._clock_lock = threading.Lock()
        with store.transaction() as tx:
            self._high_water = tx.latest_transition()

    @property
    def model(self) -> m.Model:
        return self.loaded.model

    def now(self):
        """The wall clock, never earlier than an instant this service used already."""
        wall = self.clock()
        with self._clock_lock:
            if self._high_water is not None and wall < self._high_water:
                return self._high_water
            self._high_water = wall
            return wall

    # ---- model changes
    def swap_model(self, model: m.Model, sources: dict[str, str]) -> Loaded:
        """Replace the model (checked already); the caller rescores every lead."""
        lines, errors = actions.check_runners(model, self.config)
        if errors:
            raise validate.Invalid(
                [validate.Problem(None, "model", e) for e in errors], "the model cannot run"
            )
        loaded = Loaded.of(model, sources, self.config)
        with self.model_lock:
            self.loaded = loaded
            self.reloads += 1
        return loaded

    def _run(self, work):
        """Run a unit of work in a transaction, committed before this returns (with group
        commit on SQLite; PostgreSQL deadlocks are retried): `commit.Committer`."""
        return self.committer.run(work)
