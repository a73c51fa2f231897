"""A time budget for one piece of work on this thread: past it, the work is interrupted.

The budget raises `BudgetExceeded` inside the working thread (CPython's asynchronous
exception), so it works on any thread, in worker processes and in the ingest's own. It
interrupts Python code between bytecodes: a single long call into C ends first.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class BudgetExceeded(Exception):
    """The work took longer than its budget."""


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Set (or, with None, clear) the exception a thread raises at its next bytecode."""
    target = ctypes.py_object(exc) if exc is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Run the block with at most `seconds` of wall time, else raise `BudgetExceeded` in it."""
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                _raise_in(thread_id, BudgetExceeded)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["active"] = False
            if state["fired"]:
                _raise_in(thread_id, None)  # not raised yet: it must not escape the block
