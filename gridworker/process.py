"""Process-wide tuning for GridWorker's long-running processes: the desktop app, the
`gridworker` commands and the server's workers.

The cyclic garbage collector runs a young-generation pass every 700 net allocations by
default. A sync page, a push batch or an import chunk builds tens of thousands of small
dicts and lists, so the collector ran every few records and re-walked everything still
alive: 0.72 s of a 10,000-record push and pull in the server (bench, `gc.callbacks`),
against 0.08 s at the threshold below. Objects without cycles are freed by their
reference count as before; only cyclic garbage waits longer.
"""

from __future__ import annotations

import gc

# Net allocations between two young-generation collections (CPython's default: 700).
GC_YOUNG_THRESHOLD = 50_000


def tune_gc() -> None:
    """Collect less often, and leave what is loaded so far (the modules) out of every later
    collection (`gc.freeze`). Call it at process start or once the process is set up and
    quiet: an object frozen while alive that later becomes cyclic garbage is never freed.
    (The desktop app also freezes its start-up heap once the window is shown.)"""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
