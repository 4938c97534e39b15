"""The eight Python-era workflows as installed commands (WORKFLOWS.md): each talks to ShipStation
over HTTPS and to the data only through ORA."""
