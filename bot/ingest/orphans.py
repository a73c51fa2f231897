"""Worker processes that end with their parent, so a killed ingest leaves nothing running."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when its parent ends (Linux)."""
PARENT_CHECK_S = 1.0
"""How often a worker checks that its parent is still there (seconds)."""


def die_with_parent() -> None:
    """End this process when its parent ends (a worker initializer).

    On Linux the kernel sends SIGKILL when the parent goes (PR_SET_PDEATHSIG); everywhere a
    daemon thread also checks the parent process id, which changes when the parent dies.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            log.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    if os.getppid() != parent:
        os._exit(1)
    watch = threading.Thread(target=_watch, args=(parent,), name="paddock-parent", daemon=True)
    watch.start()


def _watch(parent: int) -> None:
    """Exit at once when the parent process is gone."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)
