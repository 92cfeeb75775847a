"""Node classes (leadrules/nodes.py) behave as `@dataclass(frozen=True)` classes would: the same
constructor, equality, hash, repr and immutability, for every class of the AST and the Model."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import typing
from typing import ClassVar

import pytest

from leadrules import model as m
from leadrules import nodes
from leadrules.nodes import FrozenNodeError, field, node
from leadrules.source import Span
from leadrules.syntax import ast

SPAN = Span("f.lrules", 1, 2, 1, 5)
OTHER_SPAN = Span("g.lrules", 9, 9, 9, 12)


@node
class Pair:
    """Two values and a place."""

    left: int
    right: str = "r"
    span: Span | None = field(default=None, compare=False, repr=False)
    kind: ClassVar[str] = "pair"


@dataclasses.dataclass(frozen=True)
class PairDC:
    left: int
    right: str = "r"
    span: Span | None = dataclasses.field(default=None, compare=False, repr=False)
    kind: ClassVar[str] = "pair"


def parameters(cls) -> list[tuple]:
    """What `__init__` takes: names, defaults and kinds."""
    return [(p.name, p.default, p.kind) for p in inspect.signature(cls).parameters.values()]


def test_a_node_is_made_compared_hashed_and_shown_as_the_same_dataclass_would_be():
    for args, kwargs in [
        ((1,), {}),
        ((1, "x"), {}),
        ((), {"left": 2, "span": SPAN}),
        ((3, "y", SPAN), {}),
    ]:
        a, d = Pair(*args, **kwargs), PairDC(*args, **kwargs)
        assert nodes.fields(a) == tuple(f.name for f in dataclasses.fields(d))
        assert [getattr(a, n) for n in nodes.fields(a)] == [getattr(d, n) for n in nodes.fields(a)]
        assert repr(a) == repr(d).replace("PairDC", "Pair")
        assert hash(a) == hash(d)
    assert Pair(1, span=SPAN) == Pair(1, span=OTHER_SPAN)  # the span takes no part
    assert Pair(1) != Pair(2) and Pair(1, "a") != Pair(1, "b")
    assert Pair(1) != PairDC(1) and Pair(1).__eq__(PairDC(1)) is NotImplemented
    assert {Pair(1), Pair(1, span=SPAN), Pair(2)} == {Pair(1), Pair(2)}
    assert Pair.kind == Pair(1).kind == "pair" and "kind" not in nodes.fields(Pair)
    assert Pair.__match_args__ == ("left", "right", "span")
    assert parameters(Pair) == parameters(PairDC)
    assert typing.get_type_hints(m.Attribute.__init__)["loc"] == Span | None
    assert not {"__init__", "__eq__", "__hash__"} & vars(m).keys()  # the module's own names only
    assert Pair.__init__.__annotations__ == {
        "left": "int",
        "right": "str",
        "span": "Span | None",
        "return": None,
    }
    match Pair(4, "z"):
        case Pair(4, right):
            assert right == "z"
        case _:
            pytest.fail("a node matches by position")


def test_a_node_never_changes():
    p = Pair(1)
    with pytest.raises(FrozenNodeError):
        p.left = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.right  # type: ignore[misc]
    assert p.left == 1 and p.right == "r"


def test_replace_copy_and_pickle_give_equal_nodes():
    p = Pair(1, "x", SPAN)
    assert nodes.replace(p, right="y") == Pair(1, "y") and nodes.replace(p).span == SPAN
    with pytest.raises(TypeError, match="no field 'nope'"):
        nodes.replace(p, nope=1)
    for twin in (copy.copy(p), copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert twin == p and twin.span == SPAN and type(twin) is Pair


def test_post_init_runs_on_construction_and_replace():
    prop = m.Property("plan", "text")
    assert prop.column == "plan"
    assert nodes.replace(prop, name="tier", column="").column == "tier"
    assert m.Property("plan", "text", "Plan").column == "Plan"


def test_a_wrong_class_is_refused_as_dataclass_refuses_it():
    with pytest.raises(TypeError, match="no default"):

        @node
        class Bad:
            a: int = 1
            b: int

    with pytest.raises(ValueError, match="mutable default"):

        @node
        class Shared:
            a: list = []  # noqa: RUF012

    with pytest.raises(TypeError, match="cannot extend"):

        @node
        class Sub(Pair):
            extra: int = 0

    with pytest.raises(TypeError, match="not a node class"):
        nodes.fields(PairDC)
    assert not nodes.is_node(Pair) and nodes.is_node(Pair(1)) and not nodes.is_node(PairDC(1))


NODE_CLASSES = sorted(
    (
        cls
        for module in (ast, m)
        for cls in vars(module).values()
        if isinstance(cls, type)
        and cls.__module__ == module.__name__
        and hasattr(cls, "__node_fields__")
    ),
    key=lambda cls: (cls.__module__, cls.__name__),
)


def test_every_class_of_the_ast_and_the_model_is_a_node_as_its_annotations_say():
    assert len(NODE_CLASSES) > 70
    for cls in NODE_CLASSES:
        annotations = {
            name: a for name, a in cls.__annotations__.items() if not str(a).startswith("ClassVar")
        }
        assert nodes.fields(cls) == tuple(annotations), cls
        spans = {"span", "loc", "has_parens", "comments"}
        assert set(nodes.fields(cls)) - set(nodes.compared_fields(cls)) <= spans, cls


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_each_node_class_equals_its_dataclass_twin(cls):
    """The class as `@dataclass(frozen=True)` would build it from the same annotations and
    defaults: the same signature, and values made alike compare, hash and show alike."""
    # (in this module: the start-up cache keeps only the package's own classes' methods)
    namespace = {"__annotations__": dict(cls.__annotations__), "__module__": __name__}
    for name in nodes.fields(cls):
        default = inspect.signature(cls).parameters[name].default
        if default is not inspect.Parameter.empty:
            compare = name in nodes.compared_fields(cls)
            namespace[name] = dataclasses.field(
                default=default, compare=compare, repr=name in cls.__node_shown__
            )
    twin = dataclasses.dataclass(frozen=True)(type(cls.__name__, (), namespace))
    assert parameters(cls) == parameters(twin)
    values = [f"v{i}" for i, _ in enumerate(nodes.fields(cls))]
    a, b = cls(*values), twin(*values)
    if cls is m.Property:  # its __post_init__ fills an empty column; here the column is given
        assert a.column == "v2"
    assert repr(a) == repr(b)
    assert hash(a) == hash(b)
    assert a == cls(*values) and a != b
