"""The cyclic garbage collector held back while a large, acyclic result is built.

CPython 3.11 starts a full collection once the objects allocated since the last one pass a
quarter of those that survived it. Building a round's ranking allocates some 150,000 tuples,
lists and records, none in a reference cycle, so reference counting frees every one of them
and each full collection finds nothing: at 10,000 entries it cost one or two passes of about
120 ms over the whole heap per ranking (bench/ranking.py, with gc.callbacks). Pausing the
collector for the length of such a computation defers nothing that is garbage; what survives
is traversed once by the next young collection, as any new long-lived object is.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Hold the cyclic collector back inside the block; restore it as it was, even on error.
    Only for code that makes no reference cycles: a cycle made here lives until the next
    collection after the block."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
