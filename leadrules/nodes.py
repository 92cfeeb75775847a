"""Node classes: the frozen value classes the AST and the Model are made of.

    @node
    class Name:
        id: str
        span: Span = field(default=None, compare=False, repr=False)

A node class behaves as `@dataclass(frozen=True)` would make it: its fields are its annotations
in order (`ClassVar` ones are class constants, not fields); `__init__` takes them in that order,
positionally or by name, and calls `__post_init__` when the class has one; two nodes are equal
when they are of the same class and their compared fields are equal, and hash alike then; the
repr shows the shown fields; assigning or deleting an attribute raises `FrozenNodeError`.
`fields(node)` names the fields, `replace(node, **changes)` makes a changed copy.

Why not `dataclass`: it does a lot of general work per class at import (about 0.5 M instructions
a class even with the methods' code cached: a `Field` per annotation, the typing checks, the
methods written out, the ABC bookkeeping), and `leadrules check` defines some eighty node
classes before it reads a line (docs/performance.md, "Start-up"). Here a class costs one short
text: its `__init__`, `__eq__` and `__hash__`, written for its fields and compiled once (kept
between runs by `leadrules/_startup.py`); the repr and the frozen guard are shared functions.
Type checkers read `@node` as a frozen dataclass (PEP 681, `dataclass_transform`).
"""

from __future__ import annotations

import sys
from typing import Any, TypeVar

from leadrules import _startup

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # Python 3.10: no type checker reads `node` there (`make lint` runs 3.11)

    def dataclass_transform(**kwargs):
        return lambda decorator: decorator


T = TypeVar("T")

_MISSING: Any = object()


class FrozenNodeError(AttributeError):
    """An attribute of a node was assigned or deleted: nodes never change once made."""


class _Field:
    __slots__ = ("default", "compare", "repr")

    def __init__(self, default, compare, repr):
        self.default = default
        self.compare = compare
        self.repr = repr


def field(*, default: Any = _MISSING, compare: bool = True, repr: bool = True) -> Any:
    """A field with a default, left out of equality and hash (`compare=False`) or of the repr
    (`repr=False`): a node's source span, say."""
    return _Field(default, compare, repr)


def _is_classvar(annotation) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return getattr(annotation, "__origin__", annotation) is getattr(
        sys.modules.get("typing"), "ClassVar", None
    )


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def node(cls: type[T]) -> type[T]:
    """Make `cls` a node class (see the module's docstring)."""
    if any(hasattr(base, "__node_fields__") for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: a node class cannot extend another node class")
    names: list[str] = []
    annotations: dict[str, Any] = {}
    defaults: list[Any] = []
    compared: list[str] = []
    shown: list[str] = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        spec = cls.__dict__.get(name, _MISSING)
        if isinstance(spec, _Field):
            default, compare, show = spec.default, spec.compare, spec.repr
        else:
            default, compare, show = spec, True, True
        if default is _MISSING:
            if defaults:
                raise TypeError(f"{cls.__name__}.{name}: no default, after fields with one")
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            if type(default) in (list, dict, set):
                raise ValueError(f"{cls.__name__}.{name}: a mutable default is shared; use ()")
            defaults.append(default)
            setattr(cls, name, default)
        names.append(name)
        annotations[name] = annotation
        if compare:
            compared.append(name)
        if show:
            shown.append(name)
    methods = _methods(cls, names, compared, hasattr(cls, "__post_init__"))
    init = methods["__init__"]
    init.__defaults__ = tuple(defaults) or None
    init.__annotations__ = {**annotations, "return": None}
    for name, fn in methods.items():
        fn.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, fn)
    for name, value in (
        ("__node_fields__", tuple(names)),
        ("__node_compared__", tuple(compared)),
        ("__node_shown__", tuple(shown)),
        ("__match_args__", tuple(names)),
        ("__repr__", _repr),
        ("__setattr__", _frozen_setattr),
        ("__delattr__", _frozen_delattr),
    ):
        setattr(cls, name, value)
    return cls


def _methods(cls: type, names: list[str], compared: list[str], post_init: bool) -> dict:
    """`__init__`, `__eq__` and `__hash__` written for the fields, compiled (or taken from the
    start-up cache) and made into functions."""
    params = "".join(f", {n}" for n in names)
    sets = "".join(f"    d[{n!r}] = {n}\n" for n in names) or "    pass\n"
    mine = "".join(f"self.{n}, " for n in compared)
    theirs = "".join(f"other.{n}, " for n in compared)
    text = (
        f"def __init__(self{params}):\n    d = self.__dict__\n{sets}"
        + ("    self.__post_init__()\n" if post_init else "")
        + "def __eq__(self, other):\n"
        "    if other.__class__ is self.__class__:\n"
        f"        return ({mine}) == ({theirs})\n"
        "    return NotImplemented\n"
        f"def __hash__(self):\n    return hash(({mine}))\n"
    )
    module = sys.modules.get(cls.__module__)
    scope = module.__dict__ if module is not None else {"__name__": cls.__module__}
    made: dict = {}  # the functions' globals are the module's (their annotations resolve there)
    exec(_startup.compiled(cls.__module__, text), scope, made)
    return made


def _repr(self) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__node_shown__)
    return f"{type(self).__qualname__}({shown})"


def _frozen_setattr(self, name, value):
    raise FrozenNodeError(f"cannot assign to field {name!r} of a {type(self).__name__}")


def _frozen_delattr(self, name):
    raise FrozenNodeError(f"cannot delete field {name!r} of a {type(self).__name__}")


def is_node(obj: object) -> bool:
    """Whether `obj` is a node (an instance of a node class, not the class)."""
    return hasattr(type(obj), "__node_fields__")


def fields(obj: object) -> tuple[str, ...]:
    """The names of a node's (or a node class's) fields, in order."""
    cls = obj if isinstance(obj, type) else type(obj)
    try:
        return cls.__node_fields__  # type: ignore[attr-defined]
    except AttributeError:
        raise TypeError(f"{cls.__name__} is not a node class") from None


def compared_fields(cls: type) -> tuple[str, ...]:
    """The names of the fields a node class compares (and hashes), in order."""
    fields(cls)
    return cls.__node_compared__  # type: ignore[attr-defined]


def replace(obj: T, **changes: Any) -> T:
    """A copy of a node with some fields changed (`__post_init__` runs again)."""
    unknown = set(changes) - set(fields(obj))
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    values = {n: changes.get(n, getattr(obj, n)) for n in fields(obj)}
    return type(obj)(**values)
