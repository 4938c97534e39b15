"""Python client for ORA: the only way the Python-era scripts reach the inventory data."""

from .client import Client, OraError, TransportError, DEFAULT_ADDRESS, read_token_file

__all__ = ["Client", "OraError", "TransportError", "DEFAULT_ADDRESS", "read_token_file"]
