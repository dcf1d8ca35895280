"""The one walk over a directory's files, for rendering, update and drift."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path


def files_under(root: Path, *, skipped: Collection[str] = ()) -> Iterator[Path]:
    """Each file under `root` (symlinks to files included), relative to it, in no set order.

    Directories named in `skipped` (`.git`, caches) are not entered; a symlink to a directory is
    neither listed nor followed.
    """
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if name not in skipped]
        for name in names:
            yield Path(directory, name).relative_to(root)
