"""Progress bars for long loops (sweeps, walk-forwards, bootstraps): tqdm, optional.

``progress=None`` (the default everywhere) shows a bar only when someone can
see it (a terminal on stderr, or a Jupyter kernel) and only once the work has
run for more than a second (tqdm's ``delay``); ``False`` never shows one;
``True`` always does (and needs tqdm: ``pip install tactical[progress]``).
tqdm is imported only when a bar is wanted.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from tactical.errors import ConfigError

__all__ = ["ProgressBar", "progress_bar"]


def _in_kernel() -> bool:
    """True inside a running Jupyter kernel (not merely when ipykernel was imported)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    return type(shell).__name__ == "ZMQInteractiveShell"


def _interactive() -> bool:
    if _in_kernel():
        return True
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


class ProgressBar:
    """A tqdm bar, or nothing; a context manager that always closes the bar."""

    __slots__ = ("_bar",)

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    @property
    def shown(self) -> bool:
        """True when a tqdm bar backs this object."""
        return self._bar is not None

    def update(self, n: int = 1) -> None:
        """Advance the bar by ``n`` steps (nothing without a bar)."""
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        """Close the bar (idempotent)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def progress_bar(total: int, desc: str, progress: bool | None) -> ProgressBar:
    """A bar over ``total`` steps, shown per the ``progress`` rule in the module notes."""
    if progress is not None and not isinstance(progress, bool):
        raise ConfigError(f"progress must be True, False or None, got {progress!r}")
    if progress is False or (progress is None and not _interactive()):
        return ProgressBar(None)
    try:
        from tqdm import tqdm
    except ImportError:
        if progress:
            raise ConfigError(
                "progress=True needs tqdm; install it with pip install 'tactical[progress]'"
            ) from None
        return ProgressBar(None)
    if _in_kernel():
        try:  # a widget in Jupyter when ipywidgets is there, else the text bar
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm
        except ImportError:
            pass
    return ProgressBar(tqdm(total=total, desc=desc, delay=1.0, leave=False))
