"""Worker processes that end with the process that started them (a killed ingest leaves none).

Extraction workers are children of multiprocessing's fork server, not of the ingest, so the
kernel's parent-death signal would not reach them: each worker watches the ingest process
itself and exits when it is gone. The fork server and the resource tracker then see their
last client go and exit too.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time

log = logging.getLogger(__name__)

OWNER_CHECK_S = 1.0
"""How often a worker checks its owner where no process descriptor exists (seconds)."""


def die_with(owner: int) -> None:
    """End this process as soon as process `owner` ends (a worker initializer)."""
    try:
        handle = os.pidfd_open(owner) if hasattr(os, "pidfd_open") else None
    except ProcessLookupError:
        os._exit(1)
    except OSError:  # an old kernel: watch by polling
        handle = None
    watch = threading.Thread(target=_watch, args=(owner, handle), name="paddock-owner", daemon=True)
    watch.start()


def _watch(owner: int, handle: int | None) -> None:
    """Exit at once when the owner process has ended."""
    if handle is not None:
        select.select([handle], [], [])  # a process descriptor turns readable when it exits
        os._exit(1)
    while _running(owner):
        time.sleep(OWNER_CHECK_S)
    os._exit(1)


def _running(pid: int) -> bool:
    """Tell whether a process exists and has not ended (a zombie has ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True
