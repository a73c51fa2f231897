"""Time budgets for pieces of work on one thread: past its budget, the work is interrupted.

A `Watchdog` thread raises `BudgetExceeded` inside the working thread (CPython's
asynchronous exception), so it works on any thread, in worker processes and in the ingest's
own. It interrupts Python code between bytecodes: a single long call into C ends first.
One watchdog serves many budgets in turn (one thread per batch, not per file).
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType


class BudgetExceeded(BaseException):
    """The work took longer than its budget.

    A BaseException, like KeyboardInterrupt, so `except Exception` in the interrupted code
    does not swallow it.
    """


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Set (or, with None, clear) the exception a thread raises at its next bytecode."""
    target = ctypes.py_object(exc) if exc is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)


_Deadline = tuple[float, int]
"""When a budget ends (time.monotonic) and the thread it interrupts."""


class Watchdog:
    """A thread that interrupts work run under `budget()` once its time is up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # a C lock: an interruption never leaves it held
        self._changed = threading.Event()
        self._deadline: _Deadline | None = None
        self._fired = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="paddock-budget", daemon=True)
        self._thread.start()

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def budget(self, seconds: float) -> Iterator[None]:
        """Run the block with at most `seconds` of wall time, else raise `BudgetExceeded` in it."""
        with self._lock:
            self._deadline = (time.monotonic() + seconds, threading.get_ident())
            self._fired = False
        self._changed.set()
        try:
            yield
        finally:
            with self._lock:
                self._deadline = None
                if self._fired:  # fired but not raised yet: it must not escape the block
                    _raise_in(threading.get_ident(), None)
                    self._fired = False

    def close(self) -> None:
        """Stop the watchdog thread."""
        with self._lock:
            self._closed = True
        self._changed.set()
        self._thread.join()

    def _run(self) -> None:
        """Wait for each deadline; interrupt the work still under it when it passes."""
        while True:
            with self._lock:
                if self._closed:
                    return
                current = self._deadline
            left = None if current is None else current[0] - time.monotonic()
            if left is None or left > 0:
                self._changed.wait(left)
                self._changed.clear()
                continue
            with self._lock:
                if self._deadline is current and current is not None and not self._closed:
                    self._fired = True
                    self._deadline = None
                    _raise_in(current[1], BudgetExceeded)
