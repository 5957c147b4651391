"""Lazy package exports (PEP 562): a public name is imported on first use, not with the package.

A package lists which module defines each of its public names and hands the
table to :func:`lazy_exports`; ``import tactical`` then runs no submodule,
and ``tactical.backtest`` or ``from tactical import backtest`` imports
:mod:`tactical.backtest` the first time and caches the function in the
package. Type checkers read the same names from an ``if TYPE_CHECKING:``
block of ordinary imports; ``tests/test_lazy_imports.py`` checks that the
table, ``__all__`` and those imports agree.

A name that is also a submodule's name (``tactical.backtest`` the function
and the module, ``tactical.robustness.sweep``) needs one more step: when
Python first imports such a submodule it sets the module as an attribute of
its package, which would hide the function behind it for good (a module's
``__getattr__`` only sees names that are missing). The package's module
class is therefore swapped for :class:`_LazyPackage`, which drops exactly
that assignment, so the name keeps resolving through the table, as an eager
``from .sweep import sweep`` in ``__init__`` would have left it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType

_SUBMODULE = ""  # the table's entry for a name that is a submodule itself


class _LazyPackage(ModuleType):
    """A package whose exported names are not shadowed by same-named submodules."""

    def __setattr__(self, name: str, value: object) -> None:
        table: Mapping[str, str] = self.__dict__.get("_lazy_table", {})
        if (
            isinstance(value, ModuleType)
            and table.get(name, _SUBMODULE) != _SUBMODULE
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            return  # the import system registering a submodule named like an exported function
        super().__setattr__(name, value)


def lazy_exports(
    package: str,
    where: Mapping[str, Iterable[str]],
    submodules: Iterable[str] = (),
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names load on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``; it must be in ``sys.modules`` already
        (call this from the package's ``__init__``).
    where : Mapping[str, Iterable[str]]
        Absolute name of a defining module -> the public names it defines.
    submodules : Iterable[str], default ()
        Public names that are submodules of ``package`` (``"errors"``).

    Returns
    -------
    tuple of two callables
        ``__getattr__(name)`` (PEP 562): imports the defining module, caches
        the object in the package and returns it; a name not in the table
        raises ``AttributeError`` as for any module. ``__dir__()``: the
        package's attributes and every exported name, sorted.

    Examples
    --------
    >>> import tactical
    >>> "backtest" in dir(tactical)
    True
    >>> from tactical.backtest import backtest
    >>> tactical.backtest is backtest
    True
    """
    module = sys.modules[package]
    table = {name: defining for defining, names in where.items() for name in names}
    table |= dict.fromkeys(submodules, _SUBMODULE)
    module.__class__ = _LazyPackage
    module.__dict__["_lazy_table"] = table

    def __getattr__(name: str) -> object:
        defining = table.get(name)
        if defining is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if defining == _SUBMODULE:
            value: object = importlib.import_module(f"{package}.{name}")
        else:
            value = getattr(importlib.import_module(defining), name)
        module.__dict__[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*module.__dict__, *table})

    return __getattr__, __dir__
