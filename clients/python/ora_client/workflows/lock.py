"""The lock that keeps two copies of one command from running against one ORA at once, shared by
every user of the machine (WORKFLOWS.md, "Exit status, for cron"). Standard library only."""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import tempfile

from ..client.address import parse_address, resolve_address


def lock_dir() -> str:
    """Where the commands' locks live: one folder every user of the machine can use (two users'
    cron tables must not run the same command against one ORA at once): $ORA_LOCK_DIR, else
    /run/lock/ora, else ora-locks in the temporary folder; created sticky and world-writable."""
    where = os.environ.get("ORA_LOCK_DIR")
    if not where:
        base = "/run/lock" if os.path.isdir("/run/lock") and os.access("/run/lock", os.W_OK | os.X_OK) else tempfile.gettempdir()
        where = os.path.join(base, "ora" if base == "/run/lock" else "ora-locks")
        try:
            os.mkdir(where)
            os.chmod(where, 0o1777)
        except FileExistsError:
            pass
    return where


def lock_path(name: str, address: str | None) -> str:
    """The lock of command `name` against the ORA at `address` (None: $ORA_ADDRESS or the default):
    one per server, however its address is spelt."""
    family, target = parse_address(resolve_address(address))
    if family == socket.AF_UNIX:
        server = "unix:" + os.path.realpath(target)
    else:
        host = "127.0.0.1" if target[0].lower() == "localhost" else target[0].lower()
        try:
            host = socket.inet_ntoa(socket.inet_aton(host))  # 127.1, 0177.0.0.1 and 127.0.0.1 are one address
        except OSError:
            pass
        server = f"{host}:{target[1]}"
    digest = hashlib.sha256(server.encode()).hexdigest()[:16]
    return os.path.join(lock_dir(), f"{name}-{digest}.lock")


class Lock:
    """An exclusive lock per command and ORA server, so cron never runs two copies at once."""

    def __init__(self, name: str, address: str | None) -> None:
        """ValueError when `address` is not an address."""
        self.path = lock_path(name, address)
        self.fd: int | None = None

    def acquire(self) -> bool:
        # Opened without O_CREAT when it exists: in a sticky folder the kernel refuses O_CREAT on
        # another user's file (fs.protected_regular), and flock needs no write access.
        while self.fd is None:
            try:
                self.fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                try:
                    self.fd = os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0o666)
                    os.fchmod(self.fd, 0o666)
                except FileExistsError:
                    continue
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            return False

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
