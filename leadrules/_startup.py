"""Start-up work done once and then kept: `leadrules check` should start about as fast as Python.

Costs of importing leadrules that the code itself does not need to pay on every run:

- The node classes of the AST and the Model (`leadrules/nodes.py`) and the package's few
  dataclasses have methods (`__init__`, `__eq__`, `__hash__`, ...) written as source text for
  their fields and compiled. The compiled code objects are kept, keyed by that exact text, in
  `$XDG_CACHE_HOME/leadrules/classes-<python>/<module>.marshal` (a per-user folder, mode 0700;
  a file must be the user's own to be read): the same text, compiled once. A miss compiles as
  usual and the module's file is rewritten at exit.
- `dataclass` writes a docstring for a class that has none with `inspect.signature`; for the
  package's classes it is written from the fields instead.
- Lark imports `interegular` at import time, to validate terminals when it builds a parser;
  with the parser tables loaded from Lark's cache it never uses it. It is imported on first use.
- The parser's tables (Lark's own serialized form, `Lark.save`) are kept in
  `$XDG_CACHE_HOME/leadrules/parser-<python>/` beside the grammar text they were built from
  (`leadrules/syntax/parser.py`): a run whose grammar is not exactly that text builds anew.
  Loading them needs neither `hashlib` (Lark's cache key) nor `tempfile` (Lark's cache folder).
- The `leadrules` command (`lazy_modules`, called by `leadrules/cli.py`; not the library, whose
  process is its caller's) imports `tempfile`, `getpass`, `pkgutil`, `hashlib` and `regex`,
  which Lark imports at import time and uses only to build or cache a parser, on first use.

Deleting the cache is always safe; where it cannot be read or written, nothing is cached.
`LEADRULES_NO_STARTUP_CACHE=1` turns all of it off.
"""

from __future__ import annotations

import os
import sys

_state: dict = {}


def enabled() -> bool:
    return os.environ.get("LEADRULES_NO_STARTUP_CACHE") != "1"


def cache_folder(kind: str) -> str | None:
    """`$XDG_CACHE_HOME/leadrules/<kind>-<python>/` (made, mode 0700), or None when it cannot be
    made or the cache is off."""
    if not enabled():
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "leadrules", f"{kind}-{sys.implementation.cache_tag}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return folder


def read_own(path: str) -> bytes | None:
    """The bytes of a file of the cache, if it is the user's own (never someone else's)."""
    try:
        with open(path, "rb") as f:
            if hasattr(os, "getuid") and os.fstat(f.fileno()).st_uid != os.getuid():
                return None
            return f.read()
    except OSError:
        return None


def write_atomic(path: str, data: bytes) -> None:
    """Write a file of the cache whole or not at all (a concurrent run reads the old one)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _load(path: str) -> dict:
    import marshal

    raw = read_own(path)
    if raw is None:
        return {}
    try:
        data = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _file(module: str) -> str:
    return os.path.join(_state["folder"], f"{module}.marshal")


def _codes(module: str) -> dict:
    """The kept code of one module's classes (a file per module: a run reads only the files of
    the modules it imports)."""
    codes = _state["codes"].get(module)
    if codes is None:
        codes = _state["codes"][module] = _load(_file(module))
    return codes


def _save() -> None:
    """Rewrite the file of each module that compiled something new with exactly the texts this
    run asked for (a module defines its classes when imported, so that is all of them): texts of
    older versions of the package are dropped rather than kept for ever."""
    import marshal

    for module in _state.get("new", {}):
        write_atomic(_file(module), marshal.dumps(_state["used"][module]))


def compiled(module: str, source: str):
    """The code of `source` (a class's methods, written for its fields), compiled once: kept
    in the cache of `module` when the cache is on and the module is the package's own."""
    if "folder" not in _state or not module.startswith("leadrules"):
        return compile(source, "<string>", "exec")
    code = _codes(module).get(source)
    if code is None:
        code = compile(source, "<string>", "exec")
        _state["new"].setdefault(module, {})[source] = code
    _state["used"].setdefault(module, {})[source] = code
    return code


def _cached_exec(source, globals=None, locals=None):
    """`exec` as `dataclasses` calls it, with the compiled code of each text kept (for the
    package's own classes only)."""
    if not isinstance(source, str):
        return exec(source, globals, locals)
    return exec(compiled(str((globals or {}).get("__name__")), source), globals, locals)


def install() -> None:
    """Called once, by `leadrules/__init__.py`, before any class of the package is defined."""
    if _state or not enabled():
        return
    _state["new"] = {}
    _lazy("interegular")
    folder = cache_folder("classes")
    if folder is None:
        return
    import atexit

    _state["folder"] = folder
    _state["codes"] = {}
    _state["used"] = {}
    atexit.register(_save)
    import dataclasses

    if getattr(dataclasses, "exec", exec) is exec:  # unless someone else patched it
        dataclasses.exec = _cached_exec
        dataclasses.inspect = _Inspect(dataclasses.inspect)


class _Inspect:
    """`inspect` as `dataclasses` uses it: to write the docstring of a class that has none as
    `Name(field: type, ...)`. For the package's classes that text is built from the fields,
    without `inspect.signature` (and without importing `inspect`)."""

    def __init__(self, real):
        self._real = real

    def signature(self, cls):
        fields = getattr(cls, "__dataclass_fields__", None)
        if fields is None or not str(getattr(cls, "__module__", "")).startswith("leadrules"):
            return self._real.signature(cls)
        return _Signature(fields)

    def __getattr__(self, name):
        return getattr(self._real, name)


class _Signature:
    def __init__(self, fields):
        self.fields = fields

    def __str__(self) -> str:
        parts = []
        for f in self.fields.values():
            if not f.init:
                continue
            typ = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", f.type)
            text = f"{f.name}: {typ}"
            if f.default is not _MISSING():
                text += f" = {f.default!r}"
            elif f.default_factory is not _MISSING():
                text += " = <factory>"
            parts.append(text)
        return f"({', '.join(parts)})"


def _MISSING():
    import dataclasses

    return dataclasses.MISSING


# imported by Lark at import time, used only to build a parser or to key Lark's own cache
LAZY_FOR_THE_COMMAND = ("tempfile", "getpass", "pkgutil", "hashlib", "regex")


def lazy_modules() -> None:
    """For the `leadrules` command's own process: the modules above are imported on first use."""
    if not enabled():
        return
    for name in LAZY_FOR_THE_COMMAND:
        if name == "regex" and name not in sys.modules:
            import importlib.util

            if importlib.util.find_spec(name) is None:  # `import regex` must still fail then
                continue
        _lazy(name)


def _lazy(name: str) -> None:
    """Import `name` on the first access to one of its attributes: until then `sys.modules`
    holds a stand-in whose module `__getattr__` (PEP 562) imports the real module and answers
    from it. (importlib's LazyLoader does not do here: `import` itself reads `__spec__`.)"""
    if name in sys.modules:
        return
    stand_in = type(sys)(name)

    def __getattr__(attr: str):
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        import importlib

        real = importlib.import_module(name)
        stand_in.__dict__.update(real.__dict__)  # later accesses are direct
        return getattr(real, attr)

    stand_in.__getattr__ = __getattr__
    sys.modules[name] = stand_in
