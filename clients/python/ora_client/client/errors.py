"""What a call to ORA can raise, both ClientError: the server's refusal (OraError), or no answer
the client can trust (TransportError). They are siblings: `except OraError` never catches an
outage, so a script that skips refused orders never silently skips everything while ORA is down."""

from __future__ import annotations

from typing import Any

#: A JSON object as the server sends it.
JSONObject = dict[str, Any]


class ClientError(Exception):
    """Anything a call to ORA can raise."""


class OraError(ClientError):
    """An error answered by the server: JSON-RPC code, message and data (data['reason'])."""

    def __init__(self, code: int, message: str, data: JSONObject | None = None) -> None:
        super().__init__(f"{code} {(data or {}).get('reason', '')}: {message}")
        self.code = code
        self.message = message
        self.data = data or {}

    @property
    def reason(self) -> str | None:
        return self.data.get("reason")


class TransportError(ClientError):
    """Cannot connect, connection lost, no progress within the timeout (`timed_out`), or a reply
    that is not the one expected (the connection is then dropped)."""

    def __init__(self, message: str, timed_out: bool = False, dropped: bool = False) -> None:
        """dropped: no connection (refused) or an open one broke (the server restarted, the network
        cut it): an idempotent call can go again on a new one."""
        super().__init__(message)
        self.message = message
        self.timed_out = timed_out
        self.dropped = dropped

    @property
    def reason(self) -> str:
        return "timeout" if self.timed_out else "transport"
