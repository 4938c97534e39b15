"""What a call to ORA can raise: the server's refusal (OraError), or no answer at all (TransportError)."""

from __future__ import annotations

from typing import Any

#: A JSON object as the server sends it.
JSONObject = dict[str, Any]


class OraError(Exception):
    """An error answered by the server: JSON-RPC code, message and data (data['reason'])."""

    def __init__(self, code: int, message: str, data: JSONObject | None = None) -> None:
        super().__init__(f"{code} {(data or {}).get('reason', '')}: {message}")
        self.code = code
        self.message = message
        self.data = data or {}

    @property
    def reason(self) -> str | None:
        return self.data.get("reason")


class TransportError(OraError):
    """Cannot connect, connection lost, or no reply within the timeout."""

    def __init__(self, message: str) -> None:
        super().__init__(-1, message, {"reason": "transport"})
