"""The example CPU-heavy job: build a report over `size` bytes by hashing and compressing them.

A pure function, free of any engine: the engine registers it as a task and tests call it directly.
CPU-bound work like this belongs on workers, not in the API's event loop or its `BackgroundTasks`.
"""

import hashlib
import zlib
from typing import TypedDict


class Report(TypedDict):
    size: int
    sha256: str
    compressed_size: int


def build_report(size: int) -> Report:
    """Digest and compress `size` deterministic pseudo-random bytes.

    The same size always gives the same report, so running a job twice (queues deliver at least
    once) is harmless.
    """
    if size < 0:
        raise ValueError(f"size must not be negative, got {size}")
    data = hashlib.shake_256(b"report").digest(size)
    return Report(
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
        compressed_size=len(zlib.compress(data, level=6)),
    )
