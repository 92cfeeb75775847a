"""Running the service: the store, the model, the app on uvicorn, background threads, signals.

Start-up order: open the store (migrations), check who runs every action kind (an action nobody
runs is a start-up error), bind, print `leadrules serve: listening on http://HOST:PORT` on
stderr. Threads: the scheduler (time-driven rescoring), the model rescorer after a reload, and
the delivery worker when `leadrules.sinks.worker` provides one:

    run_worker(store, config, stop_event)   # returns when stop_event is set

SIGHUP re-reads the rules file; SIGTERM (uvicorn's) stops accepting connections, lets requests
in flight finish, stops the threads and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
import sys
import threading

import uvicorn

from leadrules.serve import actions, validate
from leadrules.serve.app import Api, build_app
from leadrules.serve.scheduler import run_scheduler
from leadrules.serve.service import Service

log = logging.getLogger("leadrules.serve")


class ModelErrors(validate.Invalid):
    pass


class Runtime:
    """The service with its threads and the model reloads."""

    def __init__(self, service: Service, rules_path: str, fire_on_model_change: bool = False):
        self.service = service
        self.rules_path = rules_path
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.reload_lock = threading.Lock()

    def start_threads(self) -> None:
        self._thread("scheduler", run_scheduler, self.service, self.stop)
        worker = _worker()
        if worker is not None:
            deliverer = _deliverer(self.service, self.stop)
            self.service.deliveries = getattr(deliverer, "counts", None)
            args = (self.service.store, self.service.config, self.stop)
            t = threading.Thread(
                target=worker,
                args=args,
                kwargs={"deliverer": deliverer} if deliverer is not None else {},
                name="leadrules-delivery",
                daemon=True,
            )
            t.start()
            self.threads.append(t)
        self._thread("rescore", self._rescore_if_model_changed)

    def _thread(self, name, target, *args) -> threading.Thread:
        t = threading.Thread(target=target, args=args, name=f"leadrules-{name}", daemon=True)
        t.start()
        self.threads.append(t)
        return t

    def shutdown(self) -> None:
        self.stop.set()
        self.service.wake.set()
        for t in self.threads:
            t.join(timeout=5)

    def _rescore_if_model_changed(self) -> None:
        """At start: a store scored by another model (or none) is rescored, cause `model`."""
        service = self.service
        with service.store.transaction() as tx:
            previous = tx.get_meta("model_hash")
            tx.set_meta("model_hash", service.loaded.text_hash)
        if previous is not None and previous != service.loaded.text_hash:
            service.rescore_all("model")

    def reload(self, text: str | None = None) -> dict:
        """Check the rules (the file, or `text`); swap them in and rescore every lead in the
        background. Raises `ModelErrors` with the diagnostics when they have errors."""
        from leadrules.check import check

        with self.reload_lock:
            result = check(self.rules_path, text)
            if not result.ok:
                raise ModelErrors(
                    [
                        validate.Problem(
                            None,
                            f"{d.span.path}:{d.span.line}:{d.span.col}",
                            f"{d.code}: {d.message}" + (f" (help: {d.help})" if d.help else ""),
                        )
                        for d in result.errors
                    ],
                    "the rules have errors: the current model keeps serving",
                )
            loaded = self.service.swap_model(result.model, result.sources)
            with self.service.store.transaction() as tx:
                tx.set_meta("model_hash", loaded.text_hash)
            self._thread("rescore", self.service.rescore_all, "model")
            return {"model": {"name": loaded.model.name, "hash": loaded.text_hash}}


def _deliverer(service, stop):
    """The worker's deliverer, built here so that `/metrics` can read its counts (None when
    the config cannot make one: the worker then reports the error itself)."""
    try:
        from leadrules.sinks.config import as_delivery_config
        from leadrules.sinks.worker import Deliverer

        return Deliverer(service.store, as_delivery_config(service.config), stop)
    except Exception:  # noqa: BLE001 - the worker reports a bad config when it starts
        return None


def _worker():
    try:
        module = importlib.import_module("leadrules.sinks.worker")
    except ModuleNotFoundError:
        return None
    return getattr(module, "run_worker", None)


class Server(uvicorn.Server):
    """uvicorn, announcing the bound address once it listens."""

    def __init__(self, config, on_ready):
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets=None):
        await super().startup(sockets)
        if self.started:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            self.on_ready(host, port)

    @contextlib.contextmanager
    def capture_signals(self):
        """uvicorn's handlers for SIGINT/SIGTERM (stop accepting, finish in-flight requests),
        without re-raising the signal afterwards: the contract is exit status 0."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def serve(runtime: Runtime, api: Api, dashboard, host: str, port: int) -> int:
    @contextlib.asynccontextmanager
    async def lifespan(app):
        runtime.start_threads()
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, _on_hup, runtime)
        yield
        runtime.shutdown()

    app = build_app(api, dashboard, lifespan)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=10,
        lifespan="on",
    )

    def ready(bound_host, bound_port):
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        print(f"leadrules serve: listening on http://{shown}:{bound_port}", file=sys.stderr)
        sys.stderr.flush()

    server = Server(config, ready)
    server.run()
    return 0 if server.started else 1


def _on_hup(runtime: Runtime) -> None:
    def work():
        try:
            info = runtime.reload()
            print(f"leadrules serve: reloaded model {info['model']['hash']}", file=sys.stderr)
        except validate.Invalid as e:
            print(
                "leadrules serve: reload refused, the current model keeps serving:", file=sys.stderr
            )
            for p in e.problems:
                print(f"  {p.field}: {p.detail}", file=sys.stderr)

    threading.Thread(target=work, name="leadrules-reload", daemon=True).start()


def action_table(model, config) -> tuple[list[str], list[str]]:
    return actions.check_runners(model, config)
