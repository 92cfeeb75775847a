"""A throwaway PostgreSQL server from the installed binaries, for the equivalence tests.

initdb refuses to run as root: as root the server runs as the `postgres` user (runuser), in a
temporary directory it owns, listening on a unix socket only. Stopped when the session ends.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass


def find_bin() -> str | None:
    for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(path, "initdb")):
            return path
    found = shutil.which("initdb")
    return os.path.dirname(found) if found else None


@dataclass
class Server:
    bindir: str
    root: str
    as_user: list[str]

    @property
    def conninfo(self) -> str:
        return f"host={self.root} port=5432 user=postgres dbname=postgres"

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        try:
            self.run(f"{self.bindir}/pg_ctl", "-D", f"{self.root}/data", "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    bindir = find_bin()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL binaries (initdb) not found")
    root = tempfile.mkdtemp(prefix="leadrules-pg-")
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    server = Server(bindir, root, as_user)
    server.run(
        f"{bindir}/initdb",
        "-D",
        f"{root}/data",
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C",
    )
    options = f"-k {root} -c listen_addresses='' -c fsync=off -c TimeZone=UTC"
    server.run(
        f"{bindir}/pg_ctl", "-D", f"{root}/data", "-o", options, "-w", "-l", f"{root}/log", "start"
    )
    return server
