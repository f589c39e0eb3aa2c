"""Staging folders: where every output is written before it is renamed into place.

Each output has one hidden staging folder beside it, named after it and the process id
(``.NAME.futiangis-staging.PID.xxxx``): removed on success, on error, on Ctrl-C / SIGTERM /
SIGHUP (:mod:`futiangis.cli.signals`), and — when the process was killed outright — by the
next run (its pid is gone). Errors say "disk full" or "permission denied" plainly.
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError

__all__ = ["describe_os_error"]

_STAGING_TAG = "futiangis-staging"


_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def describe_os_error(exc: BaseException) -> str:
    """Short reason for an OS error; a full disk (or quota, or file-size limit) says so."""
    err = getattr(exc, "errno", None)
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if err in _DISK_FULL:
        return f"disk full ({reason})"
    if err in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied ({reason}): choose a folder you can write to"
    return reason


def _wrap(exc: BaseException, path: Path, what: str = "cannot write") -> OutputError:
    if isinstance(exc, OutputError):
        return exc
    if isinstance(exc, OSError):
        return OutputError(f"{path}: {what} ({describe_os_error(exc)}); nothing was changed.")
    text = str(exc)
    if "No space left" in text or "disk full" in text.lower():
        return OutputError(f"{path}: {what} (disk full: {type(exc).__name__}: {text}); nothing was changed.")
    return OutputError(f"{path}: {what} ({type(exc).__name__}: {text}); nothing was changed.")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by someone else
        return True
    return True


def _remove_stale(parent: Path, prefix: str) -> None:
    """Remove staging folders named ``prefix<pid>.*`` whose process is gone (killed)."""
    with contextlib.suppress(OSError):
        for stale in parent.glob(prefix + "*"):
            pid = stale.name[len(prefix):].split(".")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)


def _ensure_parent(parent: Path, final: Path) -> None:
    """Create ``parent`` or raise a clear OutputError (a file in the way, read-only …)."""
    for p in [parent, *parent.parents]:
        if p.exists() and not p.is_dir():
            raise OutputError(
                f"{final}: cannot create it because {p} is a file, not a folder; "
                "choose another output path. Nothing was changed."
            )
        if p.exists():
            break
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{final}: cannot create the folder {parent} ({describe_os_error(exc)}); "
                          "nothing was changed.") from None


def _make_staging(parent: Path, name: str, final: Path) -> Path:
    prefix = f".{name}.{_STAGING_TAG}."
    _remove_stale(parent, prefix)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}.", dir=parent))
    except OSError as exc:
        raise OutputError(f"{final}: cannot write in {parent} ({describe_os_error(exc)}); "
                          "nothing was changed.") from None
    os.chmod(staging, 0o755)  # mkdtemp makes 0700; published folders must be readable (web servers)
    return staging


@contextlib.contextmanager
def _file_staging(final: Path) -> Iterator[Path]:
    """A staging folder for one output file; removed whatever happens."""
    _ensure_parent(final.parent, final)
    staging = _make_staging(final.parent, final.name, final)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)

