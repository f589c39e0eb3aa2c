"""SIGTERM and SIGHUP clean up exactly like Ctrl-C (SIGINT).

Python turns SIGINT into :class:`KeyboardInterrupt`, which unwinds the stack: every
staging folder (:mod:`futiangis.io.outputs`) is removed on the way out and the previous
outputs stay as they were. By default SIGTERM (``kill``, a closing CI job, systemd) and
SIGHUP (the terminal window closed, an SSH session dropped) kill the process on the spot
and leave staging folders behind. :func:`install_signal_handlers` makes them raise
:class:`Terminated` (a ``KeyboardInterrupt``), so they take the same clean-up path; the
CLI then exits with 128 + the signal number.
"""
from __future__ import annotations

import signal
import threading

__all__ = ["Terminated", "install_signal_handlers"]


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM or SIGHUP; ``signum`` says which."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """Shell convention: 128 + signal number (143 for SIGTERM, 129 for SIGHUP)."""
        return 128 + self.signum


def _raise_terminated(signum, frame):  # noqa: ARG001 - signal handler signature
    raise Terminated(signum)


def install_signal_handlers() -> None:
    """Make SIGTERM and SIGHUP raise :class:`Terminated` (main thread only; idempotent).

    A handler the embedding program set itself (anything but the default) is left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:  # SIGHUP does not exist on Windows
            continue
        if signal.getsignal(sig) in (signal.SIG_DFL, _raise_terminated):
            signal.signal(sig, _raise_terminated)
