"""Names a module imports on first use, not when it is imported (decision 70).

An API function's init would otherwise import every route's models and logic, though a request uses one route.
`on_first_use(globals(), "orders.logic", "carts", "checkout")` binds each name to a stand-in that imports
`from orders.logic import carts` the first time it is used, and then puts the real object in the module's
globals in its place: later uses cost nothing. Before a route first runs (and before the OpenAPI document or a
SnapStart snapshot is made), kernel.contract loads every stand-in its function names — in its annotations, its
code and the module's own functions it calls — so that validation and the document see the real models. The
stand-in forwards attribute access and calls, so a use not seen that way still works.

Only for names a module uses inside functions: one used at import (in a type alias, a default, a decorator)
must be imported as usual.
"""

from __future__ import annotations

import ast
import importlib
import types
from typing import Any


class Lazy:
    """`from <module> import <name> [as <binding>]`, bound in `namespace`, done on first use."""

    __slots__ = ("_module", "_name", "_binding", "_namespace")

    def __init__(self, module: str, name: str, namespace: dict[str, Any]):
        self._name, _, binding = name.partition(" as ")
        self._module, self._binding, self._namespace = module, binding or self._name, namespace

    def load(self) -> Any:
        package = importlib.import_module(self._module)
        try:
            value = getattr(package, self._name)
        except AttributeError:  # a submodule not imported yet
            value = importlib.import_module(f"{self._module}.{self._name}")
        if self._namespace.get(self._binding) is self:
            self._namespace[self._binding] = value
        return value

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.load(), attribute)

    def __call__(self, *args, **kwargs):
        return self.load()(*args, **kwargs)

    @property
    def binding(self) -> str:
        return self._binding

    def __repr__(self) -> str:
        return f"<on first use: from {self._module} import {self._name} as {self._binding}>"


def on_first_use(namespace: dict[str, Any], module: str, *names: str) -> tuple[Any, ...]:
    """Stand-ins for `from module import names` (each `name` or `name as binding`), to be bound in `namespace` (the
    caller's globals()) under those names: `carts, table = on_first_use(globals(), "orders.logic", "carts", "dal as table")`."""
    stand_ins = tuple(Lazy(module, name, namespace) for name in names)
    return stand_ins if len(stand_ins) != 1 else stand_ins[0]


def load_names_of(func: types.FunctionType) -> None:
    """Load every stand-in `func` names: in its annotations, its code, and the functions of its module it calls."""
    namespace = func.__globals__
    for name in _names_of(func, namespace, set()):
        value = namespace.get(name)
        if isinstance(value, Lazy):
            value.load()


def load_all(namespace: dict[str, Any]) -> None:
    for value in list(namespace.values()):
        if isinstance(value, Lazy):
            value.load()


def _names_of(func: types.FunctionType, namespace: dict[str, Any], seen: set) -> set[str]:
    if func in seen:
        return set()
    seen.add(func)
    names = set(_code_names(func.__code__))
    for annotation in func.__annotations__.values():
        if isinstance(annotation, str):  # `from __future__ import annotations`: evaluated by Powertools, later
            names |= {node.id for node in ast.walk(ast.parse(annotation, mode="eval")) if isinstance(node, ast.Name)}
    for name in list(names):
        called = namespace.get(name)
        if isinstance(called, types.FunctionType) and called.__globals__ is namespace:
            names |= _names_of(called, namespace, seen)
    return names


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):  # nested functions, comprehensions, lambdas
            names |= _code_names(constant)
    return names
