"""fastapi-scaffold: generate FastAPI services from one Copier template."""

from __future__ import annotations

from generator.errors import ScaffoldError

__all__ = ["ScaffoldError", "__version__"]


def __getattr__(name: str) -> str:
    # Looked up on first use: importlib.metadata alone costs tens of milliseconds at every start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("fastapi-scaffold")
        except PackageNotFoundError:
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
