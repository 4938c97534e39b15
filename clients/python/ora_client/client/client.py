"""A blocking client for ora-server's newline-delimited JSON-RPC 2.0.

    with Client() as ora:
        ora.record_shipment("100231", "2025-10-06", [{"sku": "17612 - 250300", "quantity": 2}])

Errors the server answers raise OraError (with .code, .reason, .data); a connection that cannot be
made or is lost raises TransportError. Calls that are safe to repeat are retried once on a fresh
connection when the old one dropped; others are not, since the server may already have run them.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

#: A JSON object as the server sends it (results are plain dicts and lists).
JSONObject = dict[str, Any]

DEFAULT_ADDRESS = "127.0.0.1:7420"

# Methods whose repetition leaves the same state (reads, and writes that state a whole value).
IDEMPOTENT = frozenset({
    "parseSku", "listSkus", "listLots", "shippedItems", "orderHistory", "validate", "status", "rpc.discover",
    "weeklyShipped", "lotInventory", "recordShipment", "upsertSku", "upsertLot", "reconcileDate", "auth",
    "inventoryLedger", "lotTrace", "listBundles", "listOrders", "inboxSummary", "upsertBundle", "importOrder",
    "allocateOrder", "markUploaded", "cancelOrder", "purgeOrders",
    # A count states what the shelf holds: sent again, it finds them agreeing and writes nothing.
    "countInventory",
})


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


def _parse_address(address: str) -> tuple[socket.AddressFamily, Any]:
    if address.startswith("unix:"):
        return socket.AF_UNIX, address[5:]
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"address must be HOST:PORT or unix:PATH, got {address!r}")
    return socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET, (host.strip("[]"), int(port))


def read_token_file(path: str) -> str:
    """The token in `path` (for a server started with --token-file), stripped of whitespace."""
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def token_from_file_or_env(path: str | None) -> str | None:
    """The token in `path`, else in the file $ORA_TOKEN_FILE names; None when neither is given.
    OSError (its .filename says which file) when the file cannot be read."""
    path = path or os.environ.get("ORA_TOKEN_FILE")
    return read_token_file(path) if path else None


class Client:
    def __init__(self, address: str | None = None, timeout: float = 30.0, token: str | None = None,
                 tls: bool = False, cafile: str | None = None) -> None:
        """tls: speak TLS (a server started with --tls-cert), verifying it against `cafile` (else
        the system's CAs) and its host name or address."""
        self.address = address or os.environ.get("ORA_ADDRESS") or DEFAULT_ADDRESS
        self.timeout = timeout
        self.token = token
        self.tls = tls or cafile is not None
        self.cafile = cafile
        self._sock: socket.socket | None = None
        self._buffer = b""
        self._next_id = 1

    # -- connection -------------------------------------------------------------------------

    def __enter__(self) -> Client:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        family, target = _parse_address(self.address)
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(target)
        except OSError as e:
            sock.close()
            raise TransportError(f"cannot connect to {self.address}: {e}") from None
        if family != socket.AF_UNIX:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls:
            context = ssl.create_default_context(cafile=self.cafile)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            try:
                sock = context.wrap_socket(sock, server_hostname=target[0] if family != socket.AF_UNIX else None)
            except (OSError, ssl.SSLError) as e:
                sock.close()
                raise TransportError(f"TLS handshake with {self.address} failed: {e}") from None
        self._sock, self._buffer = sock, b""
        if self.token is not None:
            self._roundtrip([("auth", {"token": self.token})])

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    # -- calls ------------------------------------------------------------------------------

    def call(self, method: str, params: JSONObject | None = None, **kwargs: Any) -> Any:
        """Calls one method; params as a dict or as keyword arguments. Returns the result."""
        if params is None and kwargs:
            params = kwargs
        result = self.call_many([(method, params)])[0]
        return result

    def call_many(self, calls: Iterable[tuple[str, JSONObject | None]], raise_errors: bool = True) -> list[Any]:
        """Pipelines calls on one connection: all are sent, then all replies read, in order.

        Returns the results in order; with raise_errors=False a failed call's entry is its OraError.
        """
        calls = list(calls)
        if not calls:
            return []
        retry = all(method in IDEMPOTENT for method, _ in calls)
        try:
            results = self._roundtrip(calls)
        except TransportError:
            if not retry:
                raise
            self.close()
            results = self._roundtrip(calls)
        if raise_errors:
            for r in results:
                if isinstance(r, OraError):
                    raise r
        return results

    def _roundtrip(self, calls: list[tuple[str, JSONObject | None]]) -> list[Any]:
        if self._sock is None:
            self.connect()
        assert self._sock is not None
        ids: list[int] = []
        lines: list[str] = []
        for method, params in calls:
            request: JSONObject = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
            if params is not None:
                request["params"] = params
            ids.append(self._next_id)
            self._next_id += 1
            lines.append(json.dumps(request, separators=(",", ":"), ensure_ascii=False))
        try:
            self._sock.sendall(("\n".join(lines) + "\n").encode())
            replies = [self._read_reply() for _ in ids]
        except (OSError, TransportError) as e:
            self.close()
            raise e if isinstance(e, TransportError) else TransportError(f"connection to {self.address} lost: {e}") from None
        results: list[Any] = []
        for expected, reply in zip(ids, replies):
            if reply.get("id") != expected and reply.get("id") is not None:
                raise TransportError(f"reply out of order: expected id {expected}, got {reply.get('id')}")
            if "error" in reply:
                error = reply["error"]
                results.append(OraError(error.get("code"), error.get("message"), error.get("data")))
            else:
                results.append(reply.get("result"))
        return results

    def _read_reply(self) -> JSONObject:
        assert self._sock is not None
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TransportError(f"no reply from {self.address} within {self.timeout} s")
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise TransportError(f"{self.address} closed the connection")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        reply: JSONObject = json.loads(line)
        return reply

    # -- typed helpers, one per method --------------------------------------------------------

    def parse_sku(self, sku: str, resolve: bool = False) -> Any:
        return self.call("parseSku", {"sku": sku, "resolve": resolve})

    def record_shipment(self, order_number: str, ship_date: str, items: Iterable[JSONObject], backfill: bool = False, source: str | None = None, external: bool = False) -> Any:
        """items: [{"sku": "17612 - 250300", "quantity": 2}, ...]: the order's whole content."""
        params: JSONObject = {"orderNumber": order_number, "shipDate": ship_date, "items": list(items)}
        if backfill:
            params["backfill"] = True
        if source is not None:
            params["source"] = source
        if external:
            params["external"] = True
        return self.call("recordShipment", params)

    def reconcile_date(self, date: str, shipments: list[JSONObject], apply: bool = False) -> Any:
        """shipments: ShipStation shipment objects (a page's "shipments" list)."""
        return self.call("reconcileDate", {"date": date, "shipments": list(shipments), "apply": apply})

    def validate(self, full: bool = False) -> Any:
        return self.call("validate", {"full": full})

    def status(self) -> Any:
        return self.call("status")

    def list_skus(self) -> Any:
        return self.call("listSkus")["skus"]

    def list_lots(self, sku_code: str | None = None, status: str | None = None) -> Any:
        params = {k: v for k, v in (("skuCode", sku_code), ("status", status)) if v is not None}
        return self.call("listLots", params)["lots"]

    def upsert_sku(self, sku_code: str, product_name: str, reorder_point: int | None = None, pallet_count: int | None = None) -> Any:
        params: JSONObject = {"skuCode": sku_code, "productName": product_name}
        if reorder_point is not None:
            params["reorderPoint"] = reorder_point
        if pallet_count is not None:
            params["palletCount"] = pallet_count
        return self.call("upsertSku", params)

    def upsert_lot(self, sku_code: str, lot_number: str, received_date: str | None = None, initial_qty: int | None = None, manual_adjustment: int | None = None, status: str | None = None) -> Any:
        params: JSONObject = {"skuCode": sku_code, "lotNumber": lot_number}
        for key, value in (("receivedDate", received_date), ("initialQty", initial_qty),
                           ("manualAdjustment", manual_adjustment), ("status", status)):
            if value is not None:
                params[key] = value
        return self.call("upsertLot", params)

    def shipped_items(self, date: str | None = None, date_from: str | None = None, date_to: str | None = None, sku_code: str | None = None, order_number: str | None = None, limit: int | None = None, cursor: str | None = None) -> Any:
        params = {k: v for k, v in (("date", date), ("from", date_from), ("to", date_to), ("skuCode", sku_code),
                                    ("orderNumber", order_number), ("limit", limit), ("cursor", cursor)) if v is not None}
        return self.call("shippedItems", params)

    @staticmethod
    def _every_page(fetch: Callable[..., JSONObject], key: str, filters: JSONObject) -> Iterator[Any]:
        """Follows a keyset cursor page by page: every item under `key`."""
        cursor = None
        while True:
            page = fetch(cursor=cursor, **filters)
            yield from page[key]
            cursor = page["nextCursor"]
            if cursor is None:
                return

    def iter_shipped_items(self, **filters: Any) -> Iterator[Any]:
        """Every shipped line matching the filters, following the cursor page by page."""
        return self._every_page(self.shipped_items, "items", filters)

    def order_history(self, order_number: str) -> Any:
        return self.call("orderHistory", {"orderNumber": order_number})["events"]

    def _optional(self, **pairs: Any) -> Any:
        return {key: value for key, value in pairs.items() if value is not None}

    def lot_inventory(self, sku_code: str | None = None, include_inactive: bool = False) -> Any:
        """Per SKU, its lots oldest first with what is left (ledger entries included)."""
        return self.call("lotInventory", self._optional(skuCode=sku_code, includeInactive=include_inactive or None))["skus"]

    def weekly_shipped(self, week_start: str | None = None, weeks: int | None = None) -> Any:
        return self.call("weeklyShipped", self._optional(weekStart=week_start, weeks=weeks))["weeks"]

    def adjust_inventory(self, sku_code: str, quantity: int, reason: str, lot_number: str | None = None, date: str | None = None, note: str | None = None, source: str | None = None) -> Any:
        """One ledger entry: reason is receipt, return, damage, count or correction; returns
        {entryId, skuCode, lotNumber, quantity, remaining}."""
        params = {"skuCode": sku_code, "quantity": quantity, "reason": reason}
        params.update(self._optional(lotNumber=lot_number, date=date, note=note, source=source))
        return self.call("adjustInventory", params)

    def count_inventory(self, sku_code: str, lot_number: str, counted: int, date: str | None = None, note: str | None = None, source: str | None = None) -> Any:
        """A physical count of a lot; returns {expected, counted, adjustment, entryId} (entryId None when they agree)."""
        params = {"skuCode": sku_code, "lotNumber": lot_number, "counted": counted}
        params.update(self._optional(date=date, note=note, source=source))
        return self.call("countInventory", params)

    def inventory_ledger(self, sku_code: str, lot_number: str | None = None, date_from: str | None = None, date_to: str | None = None) -> Any:
        """{skuCode, lotNumber, opening, entries: [{date, kind, quantity, reason, note, entryId, balance}], closing}."""
        params = {"skuCode": sku_code}
        params.update(self._optional(lotNumber=lot_number, **{"from": date_from, "to": date_to}))
        return self.call("inventoryLedger", params)

    def lot_trace(self, sku_code: str, lot_number: str) -> Any:
        """Who got a lot: {receivedDate, initialQty, shipped, remaining, orders, allocatedTo}."""
        return self.call("lotTrace", {"skuCode": sku_code, "lotNumber": lot_number})

    # The orders inbox (INBOUND.md).

    def upsert_bundle(self, bundle_sku: str, components: Iterable[Any], name: str | None = None) -> Any:
        """components: [(sku_code, quantity)] or [{"skuCode", "quantity"}]; returns {bundleSku, created}."""
        parts = [c if isinstance(c, dict) else {"skuCode": c[0], "quantity": c[1]} for c in components]
        return self.call("upsertBundle", {"bundleSku": bundle_sku, "components": parts, **self._optional(name=name)})

    def list_bundles(self) -> Any:
        return self.call("listBundles")["bundles"]

    def import_order(self, order_number: str, order_date: str, items: Iterable[JSONObject], source: str | None = None) -> Any:
        """items: [{"sku", "quantity", "unitPriceCents"?}]; returns {orderNumber, status, orderStatus, items, bundles}."""
        return self.call("importOrder", {"orderNumber": order_number, "orderDate": order_date, "items": items,
                                         **self._optional(source=source)})

    def allocate_order(self, order_number: str) -> Any:
        """{orderNumber, items: [{sku, skuCode, lotNumber, quantity}]}: `sku` is the text to send to ShipStation."""
        return self.call("allocateOrder", {"orderNumber": order_number})

    def mark_uploaded(self, order_number: str, shipstation_order_id: str | int) -> Any:
        return self.call("markUploaded", {"orderNumber": order_number, "shipstationOrderId": shipstation_order_id})

    def cancel_order(self, order_number: str, reason: str | None = None) -> Any:
        return self.call("cancelOrder", {"orderNumber": order_number, **self._optional(reason=reason)})

    def list_orders(self, status: str | None = None, date_from: str | None = None, date_to: str | None = None, order_number: str | None = None, limit: int | None = None, cursor: str | None = None) -> Any:
        params = self._optional(status=status, orderNumber=order_number, limit=limit, cursor=cursor, **{"from": date_from, "to": date_to})
        return self.call("listOrders", params)

    def iter_orders(self, **filters: Any) -> Iterator[Any]:
        """Every inbox order matching the filters, following the cursor page by page."""
        return self._every_page(self.list_orders, "orders", filters)

    def purge_orders(self, before: str, apply: bool = False) -> Any:
        return self.call("purgeOrders", {"before": before, "apply": apply})

    def inbox_summary(self) -> Any:
        return self.call("inboxSummary")
