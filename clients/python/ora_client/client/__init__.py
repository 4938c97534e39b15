"""ORA's Python client: `Client` speaks ora-server's JSON-RPC, `types` holds its results' shapes."""

from . import types
from .address import DEFAULT_ADDRESS, parse_address, read_token_file, resolve_address, token_from_file_or_env
from .client import IDEMPOTENT, Client
from .errors import ClientError, JSONObject, OraError, TransportError

__all__ = ["Client", "ClientError", "OraError", "TransportError", "JSONObject", "DEFAULT_ADDRESS", "IDEMPOTENT", "parse_address",
           "read_token_file", "resolve_address", "token_from_file_or_env", "types"]
