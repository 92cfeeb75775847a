"""Real `leadrules serve` processes for the tests: started on 127.0.0.1 with port 0 (the
server prints the port it bound), on a SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-token-1"
READY = re.compile(r"leadrules serve: listening on http://127\.0\.0\.1:(\d+)")


def pg_url(pg_server, conn) -> str:
    """A fresh database on the session's PostgreSQL server."""
    name = "serve_" + uuid.uuid4().hex[:12]
    conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql://postgres@/{name}?host={pg_server.root}"


class ServeProcess:
    def __init__(self, rules: Path, db: str, *extra: str, env: dict | None = None):
        self.rules, self.db, self.extra = rules, db, extra
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "LEADRULES_TOKENS": TOKEN, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.port = None
        self.stderr: list[str] = []

    def start(self, timeout: float = 30) -> ServeProcess:
        cmd = [sys.executable, "-m", "leadrules.cli", "serve", str(self.rules), "--db", self.db]
        cmd += ["--port", "0", *self.extra]
        self.stderr = []
        self.proc = subprocess.Popen(
            cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        ready = threading.Event()

        def pump(proc=self.proc, lines=self.stderr):
            for line in proc.stderr:
                lines.append(line)
                m = READY.search(line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("serve did not start:\n" + "".join(self.stderr))
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, token: str | None = TOKEN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def signal(self, sig) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 15) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
