"""One local Spark session for the whole test run (Java 17+ and pyspark from the test extra).

Started once, on first use, by the session fixture `spark_session` in tests/conftest.py: local
mode on two threads, two shuffle partitions, no UI, the driver bound to 127.0.0.1, an in-memory
catalog whose tables live in a temporary warehouse directory. About 20-30 s on a shared 2-core
machine, so every Spark test shares it.

`statements(script)` splits a compiled Spark SQL script at its `;`s, outside strings, quoted
names and comments, for `spark.sql`, which runs one statement at a time.
"""

from __future__ import annotations

import os
import shutil
import tempfile


def start():
    """A SparkSession; raises when Spark (or Java) cannot start."""
    os.environ.setdefault("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", "python3"))
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    warehouse = tempfile.mkdtemp(prefix="leadrules-spark-")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("leadrules-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # tiny tables: planning, not data, is the cost; whole-stage code generation and adaptive
        # re-planning only add to it
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", os.path.join(warehouse, "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("OFF")
    session._leadrules_warehouse = warehouse
    return session


def stop(session) -> None:
    warehouse = getattr(session, "_leadrules_warehouse", None)
    session.stop()
    if warehouse:
        shutil.rmtree(warehouse, ignore_errors=True)


def statements(script: str) -> list[str]:
    """The statements of a Spark SQL script (Spark strings escape with a backslash)."""
    out, start, i, n = [], 0, 0, len(script)
    while i < n:
        c = script[i]
        if c in "'\"":
            i += 1
            while i < n and script[i] != c:
                i += 2 if script[i] == "\\" else 1
        elif c == "`":
            i += 1
            while i < n and not (script[i] == "`" and script[i + 1 : i + 2] != "`"):
                i += 2 if script[i] == "`" else 1
        elif script.startswith("--", i):
            i = script.find("\n", i)
            i = n if i < 0 else i
        elif c == ";":
            out.append(script[start:i])
            start = i + 1
        i += 1
    out.append(script[start:])
    return [s.strip() for s in out if _code(s)]


def _code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())
