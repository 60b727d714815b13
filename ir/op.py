"""The op machinery: an op is a frozen dataclass whose fields are operands, results or attributes.

`@op("dialect.verb")` turns a class into a keyword-only, frozen, slotted dataclass, records each
field's role from `operand(...)`, `operands(...)`, `result(...)`, `results(...)` or
`attr(...)` (an attribute's type is its annotation, see `attributes.py`), and registers
the class under its name, so the printer, parser, verifier and every rewrite handle all
ops generically. Rewrites build new ops; nothing mutates.
"""

from __future__ import annotations

import dataclasses
import operator
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .attributes import AttrType, attr_type
from .types import Constraint, Type
from .values import Value

REGISTRY: dict[str, type[Op]] = {}
_META = "kettle.role"
_MINIMUM = "kettle.minimum"


@dataclass(frozen=True)
class FieldSpec:
    """One declared field of an op: its role, whether it holds a tuple, its type rule.

    The type rule of an operand or result is a Type or Constraint on its values' types;
    that of an attribute is an AttrType on the attribute's value.
    """

    name: str
    role: str  # "operand" | "result" | "attr"
    variadic: bool
    constraint: Type | Constraint | AttrType
    default: Any = dataclasses.MISSING


def _field(role: str, variadic: bool, constraint: Type | Constraint | None,
           minimum: int | None = None, **kw: Any) -> Any:
    return dataclasses.field(metadata={_META: (role, variadic, constraint), _MINIMUM: minimum}, **kw)


def operand(constraint: Type | Constraint) -> Any:
    """A field holding one operand value of the given type."""
    return _field("operand", False, constraint)


def operands(constraint: Type | Constraint) -> Any:
    """A field holding a tuple of operand values, each of the given type."""
    return _field("operand", True, constraint)


def result(constraint: Type | Constraint) -> Any:
    """A field holding one result value."""
    return _field("result", False, constraint)


def results(constraint: Type | Constraint) -> Any:
    """A field holding a tuple of result values."""
    return _field("result", True, constraint)


def attr(default: Any = dataclasses.MISSING, *, minimum: int | None = None) -> Any:
    """A compile-time attribute, typed by its annotation: str, bool, int, SymbolRef, Any or
    `tuple[X, ...]` of those; `minimum` bounds an int (each int of a tuple).

    The verifier checks the value against the type. Attributes equal to their default are
    left out of the textual form.
    """
    return _field("attr", False, None, minimum, default=default)


class Op:
    """Base class of every IR op; see the module docstring."""

    __slots__ = ()
    name: ClassVar[str]
    OPERANDS: ClassVar[tuple[FieldSpec, ...]] = ()
    RESULTS: ClassVar[tuple[FieldSpec, ...]] = ()
    ATTRS: ClassVar[tuple[FieldSpec, ...]] = ()

    @property
    def operands(self) -> tuple[Value, ...]:
        """All operand values, flattened in field order."""
        return tuple(v for group in self.operand_groups() for v in group)

    @property
    def results(self) -> tuple[Value, ...]:
        """All result values, flattened in field order."""
        out: list[Value] = []
        for spec in self.RESULTS:
            value = getattr(self, spec.name)
            out.extend(value if spec.variadic else (value,))
        return tuple(out)

    def operand_groups(self) -> Iterator[tuple[Value, ...]]:
        """One tuple per operand field, in declaration order."""
        for spec in self.OPERANDS:
            value = getattr(self, spec.name)
            yield tuple(value) if spec.variadic else (value,)

    def attributes(self) -> dict[str, Any]:
        """The attribute fields by name, including defaults."""
        return {spec.name: getattr(self, spec.name) for spec in self.ATTRS}

    def verify(self) -> None:
        """Op-specific invariants that types cannot express; raise VerifyError."""

    def replace(self, **changes: Any) -> Op:
        """A copy with `changes` applied; `self` if nothing changes."""
        if all(getattr(self, k) is v for k, v in changes.items()):
            return self
        return dataclasses.replace(self, **changes)

    def map_operands(self, mapping: Mapping[Value, Value]) -> Op:
        """A copy whose operands are renamed through `mapping` (missing keys stay)."""
        changes: dict[str, Any] = {}
        for spec in self.OPERANDS:
            old = getattr(self, spec.name)
            new = tuple(mapping.get(v, v) for v in old) if spec.variadic else mapping.get(old, old)
            if new != old:
                changes[spec.name] = new
        return self.replace(**changes) if changes else self

    @classmethod
    def from_groups(
        cls,
        attrs: Mapping[str, Any],
        groups: list[tuple[Value, ...]],
        results: list[Value],
    ) -> Op:
        """Build an op from its generic parts (the parser's and the cloners' entry point).

        Raises:
            ValueError: the parts do not fit the op's declared fields.
        """
        kwargs: dict[str, Any] = dict(attrs)
        unknown = set(kwargs) - {a.name for a in cls.ATTRS}
        if unknown:
            raise ValueError(f"`{cls.name}` has no attribute {sorted(unknown)[0]!r}")
        kwargs.update(_split_operands(cls, groups))
        kwargs.update(_split_results(cls, results))
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise ValueError(f"`{cls.name}`: {exc}") from None


def operand_layout_is_flat(cls: type[Op]) -> bool:
    """Ops whose operands are all single values print them as one group `(%a, %b)`."""
    return not any(spec.variadic for spec in cls.OPERANDS)


def _split_operands(cls: type[Op], groups: list[tuple[Value, ...]]) -> dict[str, Any]:
    specs = cls.OPERANDS
    if not specs:
        if groups and any(groups):
            raise ValueError(f"`{cls.name}` takes no operands")
        return {}
    if operand_layout_is_flat(cls):
        flat = groups[0] if len(groups) == 1 else ()
        if len(groups) != 1 or len(flat) != len(specs):
            raise ValueError(f"`{cls.name}` takes {len(specs)} operand(s) in one group")
        return {spec.name: v for spec, v in zip(specs, flat)}
    if len(groups) != len(specs):
        raise ValueError(
            f"`{cls.name}` takes {len(specs)} operand groups "
            f"({', '.join(s.name for s in specs)}), got {len(groups)}"
        )
    out: dict[str, Any] = {}
    for spec, group in zip(specs, groups):
        if spec.variadic:
            out[spec.name] = tuple(group)
        elif len(group) != 1:
            raise ValueError(f"`{cls.name}` operand group {spec.name!r} holds exactly one value")
        else:
            out[spec.name] = group[0]
    return out


def _split_results(cls: type[Op], values: list[Value]) -> dict[str, Any]:
    specs = cls.RESULTS
    if len(specs) == 1 and specs[0].variadic:
        return {specs[0].name: tuple(values)}
    if len(values) != len(specs):
        raise ValueError(f"`{cls.name}` yields {len(specs)} result(s), got {len(values)}")
    return {spec.name: v for spec, v in zip(specs, values)}


def _flattener(specs: tuple[FieldSpec, ...]) -> Callable[[Op], tuple[Value, ...]]:
    """A fast `operands`/`results` getter for one op class (the verifier, every pass and the
    code generators read them for every op)."""
    names = [spec.name for spec in specs]
    if not specs:
        return lambda o: ()
    if len(specs) == 1:
        only = names[0]
        if specs[0].variadic:
            return lambda o: tuple(getattr(o, only))
        return lambda o: (getattr(o, only),)
    if not any(spec.variadic for spec in specs):
        return operator.attrgetter(*names)  # a tuple of the fields, in order
    if len(specs) == 2 and all(spec.variadic for spec in specs):  # gates: params, qubits
        first, second = names
        return lambda o: tuple(getattr(o, first)) + tuple(getattr(o, second))
    variadic = [spec.variadic for spec in specs]

    def flatten(o: Op) -> tuple[Value, ...]:
        out: list[Value] = []
        for n, many in zip(names, variadic):
            value = getattr(o, n)
            if many:
                out.extend(value)
            else:
                out.append(value)
        return tuple(out)

    return flatten


def op(name: str):
    """Class decorator: make an op dataclass, record field roles, register it under `name`."""

    def wrap(cls: type) -> type[Op]:
        cls = dataclass(frozen=True, kw_only=True, eq=False, slots=True)(cls)
        hints = typing.get_type_hints(cls)  # the annotations, resolved from their strings
        by_role: dict[str, list[FieldSpec]] = {"operand": [], "result": [], "attr": []}
        for f in dataclasses.fields(cls):
            role, variadic, constraint = f.metadata[_META]
            if role == "attr":
                try:
                    constraint = attr_type(hints[f.name], f.metadata[_MINIMUM])
                except TypeError as exc:
                    raise TypeError(f"{name}: attribute {f.name!r}: {exc}") from None
            by_role[role].append(FieldSpec(f.name, role, variadic, constraint, f.default))
        variadic_results = [s for s in by_role["result"] if s.variadic]
        if variadic_results and len(by_role["result"]) > 1:
            raise TypeError(f"{name}: a variadic result field must be the only result field")
        cls.name = name
        cls.OPERANDS = tuple(by_role["operand"])
        cls.RESULTS = tuple(by_role["result"])
        cls.ATTRS = tuple(by_role["attr"])
        cls.operands = property(_flattener(cls.OPERANDS), doc=Op.operands.__doc__)
        cls.results = property(_flattener(cls.RESULTS), doc=Op.results.__doc__)
        if name in REGISTRY:
            raise TypeError(f"op {name!r} registered twice")
        REGISTRY[name] = cls
        return cls

    return wrap
