"""The cyclic garbage collector in a process that works through big batches: the task
queue's worker and the operator's ``import_data`` (docs/decisions/0018).

By default a young collection runs every 700 tracked objects allocated and not yet freed,
and a full one, which walks every tracked object of the process, whenever a quarter more
objects have survived into the oldest generation. An import holds a chunk's rows (5,000
rows, several tracked objects each) for as long as it plans and writes them, so they
survive young collections and keep triggering full ones, and each full collection walks
Django's and the application's few hundred thousand objects loaded at start again.
"""

from __future__ import annotations

import gc

# Tracked objects allocated (net of those freed) before a young collection: a chunk's rows
# are freed before it is reached, so they are never walked.
YOUNG_THRESHOLD = 50_000


def settle() -> None:
    """Once, when the process has loaded what it keeps for its lifetime: what is alive now
    is moved out of every collection's walk (``gc.freeze``), after a full collection so
    that no cyclic garbage is frozen with it (a frozen cycle is never freed); and the young
    generation may grow to ``YOUNG_THRESHOLD`` before it is collected. Objects still free
    by reference counting as usual."""
    gc.collect()
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_THRESHOLD), middle, old)
