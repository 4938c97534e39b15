"""ShipStation's v1 API, as the workflows use it (client.py), and the shapes they read (types.py)."""

from . import types
from .client import DEFAULT_URL, MissingCredentials, ShipStation, ShipStationConfigError, ShipStationError, ShipStationUnavailable

__all__ = ["ShipStation", "ShipStationError", "ShipStationUnavailable", "MissingCredentials", "ShipStationConfigError", "DEFAULT_URL", "types"]
