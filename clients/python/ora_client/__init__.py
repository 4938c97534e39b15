"""Python client for ORA: the only way the Python-era scripts reach the inventory data.

    ora_client.client        the JSON-RPC client (Client, ClientError, OraError, TransportError) and result types
    ora_client.shipstation   ShipStation's v1 API as the workflows use it
    ora_client.workflows     the nine commands (ora-import-xml, ora-daily-shipments, ...)
    ora_client.dashboard     the read-only web page (ora-dashboard)
    ora_client.cli           what every command line shares: ORA's options, logging, usage errors
    ora_client.weekly        the weekly chart's weeks and bars (ora-weekly-report, the dashboard)
"""

from .client import DEFAULT_ADDRESS, Client, ClientError, OraError, TransportError, read_token_file, token_from_file_or_env, types

__all__ = ["Client", "ClientError", "OraError", "TransportError", "DEFAULT_ADDRESS", "read_token_file", "token_from_file_or_env", "types"]
