"""A blocking client for ora-server's newline-delimited JSON-RPC 2.0.

    with Client() as ora:
        ora.record_shipment("100231", "2025-10-06", [{"sku": "17612 - 250300", "quantity": 2}])

Errors the server answers raise OraError (with .code, .reason, .data); a connection that cannot be
made, is lost, times out or answers out of step raises TransportError. Both are ClientError, and
neither is the other: `except OraError` means "the server refused". Calls that are safe to repeat
go again on a new connection when ORA cannot be reached or the connection broke (a restart), for
about 8 s; never after a timeout (the call may have run, and the wait would double). Others are
not, since the server may already have run them.
A call ORA answers `overloaded` or `shutting_down` wrote nothing: it is sent again after a pause
(about 8 s in all), then TransportError.
"""

from __future__ import annotations

import json
import logging
import select
import selectors
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

from . import types as t
from .address import parse_address, resolve_address
from .errors import JSONObject, OraError, TransportError

log = logging.getLogger("ora.client")

#: ORA's answers that say nothing was written and to try again later: overloaded, shutting_down.
BUSY_CODES = frozenset({-32011, -32012})
#: Pauses before each new try of a call ORA answered busy (about 8 s in all).
BUSY_BACKOFF = (0.2, 0.5, 1.0, 2.0, 4.0)
#: Pauses before each new connection, when ORA cannot be reached or dropped the connection (a
#: restart): calls that are safe to repeat go again for about 8 s in all.
RECONNECT_BACKOFF = (0.0, 0.2, 0.5, 1.0, 2.0, 4.0)
#: Refusals after which the server closes the connection.
CLOSING_REASONS = frozenset({"line_too_long", "shutting_down"})
#: Bytes of requests written ahead of the replies read: the rest waits for the socket, so a
#: pipeline of any length never deadlocks against the server's back-pressure.
WRITE_AHEAD = 256 * 1024

# Methods whose repetition leaves the same state (reads, and writes that state a whole value).
IDEMPOTENT = frozenset({
    "parseSku", "listSkus", "listLots", "shippedItems", "orderHistory", "validate", "status", "rpc.discover",
    "weeklyShipped", "lotInventory", "recordShipment", "upsertSku", "upsertLot", "reconcileDate", "auth",
    "inventoryLedger", "lotTrace", "removeShipment", "listBundles", "listOrders", "inboxSummary", "upsertBundle", "importOrder",
    "allocateOrder", "markUploaded", "cancelOrder", "purgeOrders", "listRuns", "automationStatus", "setSchedule",
    "pauseWorkflows", "resumeWorkflows", "purgeRuns",
    # A count states what the shelf holds: sent again, it finds them agreeing and writes nothing.
    "countInventory",
})


class Client:
    """A connection to ORA. One Client may be shared by threads: its calls take turns (a lock),
    each thread getting its own replies; for calls in parallel, open one Client per thread."""

    def __init__(self, address: str | None = None, timeout: float = 30.0, token: str | None = None,
                 tls: bool = False, cafile: str | None = None, reconnect: bool = True) -> None:
        """timeout: the longest wait, in seconds, for the connection to move (a request written, a
        reply read) before TransportError. tls: speak TLS (a server started with --tls-cert),
        verifying it against `cafile` (else the system's CAs) and its host name or address."""
        self.address = resolve_address(address)
        self.timeout = timeout
        self.token = token
        self.tls = tls or cafile is not None
        self.cafile = cafile
        self._sock: socket.socket | None = None
        self._buffer = b""
        self._next_id = 1
        self._lock = threading.RLock()
        #: False: a call fails at once when ORA cannot be reached (no RECONNECT_BACKOFF).
        self.reconnect = reconnect

    # -- connection -------------------------------------------------------------------------

    def __enter__(self) -> Client:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        with self._lock:
            self.close()
            family, target = parse_address(self.address)
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(target)
            except OSError as e:
                sock.close()
                timed_out = isinstance(e, socket.timeout)
                raise TransportError(f"cannot connect to {self.address}: {e}", timed_out=timed_out, dropped=not timed_out) from None
            if family != socket.AF_UNIX:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.tls:
                context = ssl.create_default_context(cafile=self.cafile)
                context.minimum_version = ssl.TLSVersion.TLSv1_2
                try:
                    sock = context.wrap_socket(sock, server_hostname=target[0] if family != socket.AF_UNIX else None)
                except (OSError, ssl.SSLError) as e:
                    sock.close()
                    raise TransportError(f"TLS handshake with {self.address} failed: {e}", timed_out=isinstance(e, socket.timeout)) from None
            sock.setblocking(False)
            self._sock, self._buffer = sock, b""
            if self.token is not None:
                answer = self._roundtrip([("auth", {"token": self.token})])[0]
                if isinstance(answer, OraError):
                    self.close()
                    raise answer

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None

    # -- calls ------------------------------------------------------------------------------

    def call(self, method: str, params: JSONObject | None = None, **kwargs: Any) -> Any:
        """Calls one method with `params` (a dict) or keyword arguments, not both. Returns the result."""
        if params is not None and kwargs:
            raise TypeError("call() takes params as a dict or as keyword arguments, not both")
        return self.call_many([(method, params if params is not None else (kwargs or None))])[0]

    def call_many(self, calls: Iterable[tuple[str, JSONObject | None]], raise_errors: bool = True) -> list[Any]:
        """Pipelines calls on one connection, writing requests while it reads replies, so any
        number of calls completes. Returns the results in order; with raise_errors=False a
        refused call's entry is its OraError. TransportError when the connection fails."""
        calls = list(calls)
        if not calls:
            return []
        with self._lock:
            results = self._send(calls)
            # `overloaded` and `shutting_down` wrote nothing: those calls go again, after a pause.
            for delay in BUSY_BACKOFF:
                busy = [i for i, r in enumerate(results) if isinstance(r, OraError) and r.code in BUSY_CODES]
                if not busy:
                    break
                log.info("ORA answered %s to %d calls: again in %.1f s", results[busy[0]].reason, len(busy), delay)
                time.sleep(delay)
                for i, r in zip(busy, self._send([calls[i] for i in busy])):
                    results[i] = r
            still = [r for r in results if isinstance(r, OraError) and r.code in BUSY_CODES]
            if still:
                raise TransportError(f"ORA at {self.address} kept answering {still[0].reason} after {len(BUSY_BACKOFF)} retries")
        if raise_errors:
            for r in results:
                if isinstance(r, OraError):
                    raise r
        return results

    def _send(self, calls: list[tuple[str, JSONObject | None]]) -> list[Any]:
        """One round trip. When ORA cannot be reached or the connection broke, calls that are all
        idempotent go again on a new connection, after pauses (RECONNECT_BACKOFF); a timeout never
        does (the call may have run, and the wait would double), nor a reply out of step."""
        idempotent = all(method in IDEMPOTENT for method, _ in calls)
        pauses = iter(RECONNECT_BACKOFF if self.reconnect else ())
        while True:
            try:
                return self._roundtrip(calls)
            except TransportError as e:
                pause = next(pauses, None) if e.dropped and idempotent else None
                if pause is None:
                    raise
                log.info("%s: connecting again in %.1f s", e, pause)
                time.sleep(pause)

    def _roundtrip(self, calls: list[tuple[str, JSONObject | None]]) -> list[Any]:
        # Every request is encoded before any is sent: params that cannot be sent (a set, a lone
        # surrogate) raise here, with nothing run and the connection in step.
        encoded = [self._encode(method, params) for method, params in calls]
        if self._sock is not None and not self._alive(self._sock):
            self.close()  # the server closed it while idle (a restart, --idle-timeout): nothing was sent on it
        if self._sock is None:
            self.connect()
        sock = self._sock
        assert sock is not None
        first = self._next_id
        self._next_id += len(calls)
        pending = iter(enumerate(encoded))
        out = bytearray()
        results: list[Any] = []
        selector = selectors.DefaultSelector()
        try:
            selector.register(sock, selectors.EVENT_READ)
            while len(results) < len(calls):
                while len(out) < WRITE_AHEAD:
                    nxt = next(pending, None)
                    if nxt is None:
                        break
                    n, (method, params) = nxt
                    out += b'{"jsonrpc":"2.0","id":%d,"method":%s' % (first + n, method)
                    out += (b',"params":' + params if params is not None else b"") + b"}\n"
                selector.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if out else 0))
                ready = selector.select(self.timeout) if not self._decrypted(sock) else [(None, selectors.EVENT_READ)]
                if not ready:
                    raise TransportError(f"no progress with {self.address} within {self.timeout} s", timed_out=True)
                events = 0
                for _, mask in ready:
                    events |= mask
                if events & selectors.EVENT_WRITE and out:
                    try:
                        del out[:sock.send(out)]
                    except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                        pass
                if events & selectors.EVENT_READ:
                    self._receive(sock)
                    while b"\n" in self._buffer and len(results) < len(calls):
                        line, _, self._buffer = self._buffer.partition(b"\n")
                        results.append(self._result(line, first + len(results)))
                        if isinstance(results[-1], OraError) and results[-1].reason in CLOSING_REASONS and len(results) < len(calls):
                            # The server closes the connection after this refusal, reading nothing
                            # more: the calls after it never ran. They go on a new connection.
                            self.close()
                            return results + self._roundtrip(calls[len(results):])
        except OSError as e:
            self.close()
            raise TransportError(f"connection to {self.address} lost: {e}", dropped=True) from None
        except BaseException:
            # TransportError, or an interrupt half way: replies may be left unread, so the
            # connection is out of step and goes.
            self.close()
            raise
        finally:
            selector.close()
        if any(isinstance(r, OraError) and r.reason in CLOSING_REASONS for r in results):
            self.close()  # the server closes this connection after such a refusal
        return results

    @staticmethod
    def _encode(method: str, params: JSONObject | None) -> tuple[bytes, bytes | None]:
        """A request's method and params as JSON, before it is sent (its id follows the connection)."""
        return (json.dumps(method, ensure_ascii=False).encode(),
                json.dumps(params, separators=(",", ":"), ensure_ascii=False).encode() if params is not None else None)

    def _alive(self, sock: socket.socket) -> bool:
        """False when the server has closed this idle connection (an end of file is waiting)."""
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                return True
            sock.recv(1)  # an end of file, or bytes nobody asked for: either way this connection is done
            return False
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
            return True
        except OSError:
            return False

    @staticmethod
    def _decrypted(sock: socket.socket) -> bool:
        """TLS bytes already decrypted and buffered, which select() cannot see."""
        return isinstance(sock, ssl.SSLSocket) and sock.pending() > 0

    def _receive(self, sock: socket.socket) -> None:
        try:
            chunk = sock.recv(1 << 20)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
            return
        if not chunk:
            raise TransportError(f"{self.address} closed the connection", dropped=True)
        self._buffer += chunk

    def _result(self, line: bytes, expected: int) -> Any:
        """One reply line: its result, or its error as OraError; TransportError when it is not a
        JSON-RPC reply to the request expected (the connection is then out of step)."""
        try:
            reply = json.loads(line)
        except ValueError:
            raise TransportError(f"{self.address} answered something that is not JSON: {line[:200]!r}") from None
        if not isinstance(reply, dict) or ("result" not in reply and "error" not in reply):
            raise TransportError(f"{self.address} answered something that is not a JSON-RPC reply: {line[:200]!r}")
        if type(reply.get("id")) is not int or reply["id"] != expected:  # (True == 1 in Python)
            error = reply.get("error")
            if reply.get("id") is None and isinstance(error, dict):
                # The server refused the line before reading its id (too long, unparseable).
                return OraError(error.get("code", -32603), error.get("message", ""), error.get("data"))
            raise TransportError(f"reply out of step: expected id {expected}, got {reply.get('id')!r}")
        if "error" in reply:
            error = reply["error"] if isinstance(reply["error"], dict) else {}
            return OraError(error.get("code", -32603), error.get("message", ""), error.get("data"))
        return reply["result"]

    # -- typed helpers, one per method --------------------------------------------------------

    def parse_sku(self, sku: str, resolve: bool = False) -> t.ParsedSku:
        return cast(t.ParsedSku, self.call("parseSku", {"sku": sku, "resolve": resolve}))

    def record_shipment(self, order_number: str, ship_date: str, items: Iterable[JSONObject], backfill: bool = False, source: str | None = None, external: bool = False) -> t.RecordShipmentResult:
        """items: [{"sku": "17612 - 250300", "quantity": 2}, ...]: the order's whole content."""
        params: JSONObject = {"orderNumber": order_number, "shipDate": ship_date, "items": list(items)}
        if backfill:
            params["backfill"] = True
        if source is not None:
            params["source"] = source
        if external:
            params["external"] = True
        return cast(t.RecordShipmentResult, self.call("recordShipment", params))

    def remove_shipment(self, order_number: str, source: str | None = None, reason: str | None = None) -> t.RemoveShipmentResult:
        """Takes back what an order shipped (every label voided in ShipStation); sent twice, the
        second answer is `unchanged`. An `external` order is refused (-32022)."""
        return cast(t.RemoveShipmentResult, self.call("removeShipment", {"orderNumber": order_number, **self._optional(source=source, reason=reason)}))

    def reconcile_date(self, date: str, shipments: Iterable[Mapping[str, object]], apply: bool = False) -> t.ReconcileDateResult:
        """shipments: ShipStation shipment objects (a page's "shipments" list)."""
        return cast(t.ReconcileDateResult, self.call("reconcileDate", {"date": date, "shipments": list(shipments), "apply": apply}))

    def validate(self, full: bool = False) -> t.ValidateResult:
        return cast(t.ValidateResult, self.call("validate", {"full": full}))

    def status(self) -> t.StatusResult:
        return cast(t.StatusResult, self.call("status"))

    def list_skus(self) -> list[t.Sku]:
        return cast(t.ListSkusResult, self.call("listSkus"))["skus"]

    def list_lots(self, sku_code: str | None = None, status: str | None = None) -> list[t.Lot]:
        params = {k: v for k, v in (("skuCode", sku_code), ("status", status)) if v is not None}
        return cast(t.ListLotsResult, self.call("listLots", params))["lots"]

    def upsert_sku(self, sku_code: str, product_name: str, reorder_point: int | None = None, pallet_count: int | None = None) -> t.UpsertSkuResult:
        params: JSONObject = {"skuCode": sku_code, "productName": product_name}
        if reorder_point is not None:
            params["reorderPoint"] = reorder_point
        if pallet_count is not None:
            params["palletCount"] = pallet_count
        return cast(t.UpsertSkuResult, self.call("upsertSku", params))

    def upsert_lot(self, sku_code: str, lot_number: str, received_date: str | None = None, initial_qty: int | None = None, manual_adjustment: int | None = None, status: str | None = None) -> t.UpsertLotResult:
        params: JSONObject = {"skuCode": sku_code, "lotNumber": lot_number}
        for key, value in (("receivedDate", received_date), ("initialQty", initial_qty),
                           ("manualAdjustment", manual_adjustment), ("status", status)):
            if value is not None:
                params[key] = value
        return cast(t.UpsertLotResult, self.call("upsertLot", params))

    def shipped_items(self, date: str | None = None, date_from: str | None = None, date_to: str | None = None, sku_code: str | None = None, order_number: str | None = None, limit: int | None = None, cursor: str | None = None) -> t.ShippedItemsResult:
        params = {k: v for k, v in (("date", date), ("from", date_from), ("to", date_to), ("skuCode", sku_code),
                                    ("orderNumber", order_number), ("limit", limit), ("cursor", cursor)) if v is not None}
        return cast(t.ShippedItemsResult, self.call("shippedItems", params))

    @staticmethod
    def _every_page(fetch: Callable[..., Mapping[str, Any]], key: str, filters: JSONObject) -> Iterator[Any]:
        """Follows a keyset cursor page by page: every item under `key`."""
        cursor = None
        while True:
            page = fetch(cursor=cursor, **filters)
            yield from page[key]
            cursor = page["nextCursor"]
            if cursor is None:
                return

    def iter_shipped_items(self, **filters: Any) -> Iterator[t.ShippedLine]:
        """Every shipped line matching the filters, following the cursor page by page."""
        return self._every_page(self.shipped_items, "items", filters)

    def order_history(self, order_number: str) -> list[t.Event]:
        return cast(t.OrderHistoryResult, self.call("orderHistory", {"orderNumber": order_number}))["events"]

    def _optional(self, **pairs: Any) -> JSONObject:
        return {key: value for key, value in pairs.items() if value is not None}

    def lot_inventory(self, sku_code: str | None = None, include_inactive: bool = False) -> list[t.SkuInventory]:
        """Per SKU, its lots oldest first with what is left (ledger entries included)."""
        return cast(t.LotInventoryResult, self.call("lotInventory", self._optional(skuCode=sku_code, includeInactive=include_inactive or None)))["skus"]

    def weekly_shipped(self, week_start: str | None = None, weeks: int | None = None) -> list[t.ShippedWeek]:
        return cast(t.WeeklyShippedResult, self.call("weeklyShipped", self._optional(weekStart=week_start, weeks=weeks)))["weeks"]

    def adjust_inventory(self, sku_code: str, quantity: int, reason: str, lot_number: str | None = None, date: str | None = None, note: str | None = None, source: str | None = None) -> t.AdjustInventoryResult:
        """One ledger entry: reason is receipt, return, damage, count or correction; returns
        {entryId, skuCode, lotNumber, quantity, remaining}."""
        params = {"skuCode": sku_code, "quantity": quantity, "reason": reason}
        params.update(self._optional(lotNumber=lot_number, date=date, note=note, source=source))
        return cast(t.AdjustInventoryResult, self.call("adjustInventory", params))

    def count_inventory(self, sku_code: str, lot_number: str, counted: int, date: str | None = None, note: str | None = None, source: str | None = None) -> t.CountInventoryResult:
        """A physical count of a lot; returns {expected, counted, adjustment, entryId} (entryId None when they agree)."""
        params = {"skuCode": sku_code, "lotNumber": lot_number, "counted": counted}
        params.update(self._optional(date=date, note=note, source=source))
        return cast(t.CountInventoryResult, self.call("countInventory", params))

    def inventory_ledger(self, sku_code: str, lot_number: str | None = None, date_from: str | None = None, date_to: str | None = None) -> t.InventoryLedgerResult:
        """{skuCode, lotNumber, opening, entries: [{date, kind, quantity, reason, note, entryId, balance}], closing}."""
        params = {"skuCode": sku_code}
        params.update(self._optional(lotNumber=lot_number, **{"from": date_from, "to": date_to}))
        return cast(t.InventoryLedgerResult, self.call("inventoryLedger", params))

    def lot_trace(self, sku_code: str, lot_number: str) -> t.LotTraceResult:
        """Who got a lot: {receivedDate, initialQty, shipped, remaining, orders, allocatedTo}."""
        return cast(t.LotTraceResult, self.call("lotTrace", {"skuCode": sku_code, "lotNumber": lot_number}))

    # The orders inbox (INBOUND.md).

    def upsert_bundle(self, bundle_sku: str, components: Iterable[Any], name: str | None = None) -> t.UpsertBundleResult:
        """components: [(sku_code, quantity)] or [{"skuCode", "quantity"}]; returns {bundleSku, created}."""
        parts = [c if isinstance(c, dict) else {"skuCode": c[0], "quantity": c[1]} for c in components]
        return cast(t.UpsertBundleResult, self.call("upsertBundle", {"bundleSku": bundle_sku, "components": parts, **self._optional(name=name)}))

    def list_bundles(self) -> list[t.Bundle]:
        return cast(t.ListBundlesResult, self.call("listBundles"))["bundles"]

    def import_order(self, order_number: str, order_date: str, items: Iterable[JSONObject], source: str | None = None) -> t.ImportOrderResult:
        """items: [{"sku", "quantity", "unitPriceCents"?}]; returns {orderNumber, status, orderStatus, items, bundles}."""
        return cast(t.ImportOrderResult, self.call("importOrder", {"orderNumber": order_number, "orderDate": order_date, "items": items,
                                         **self._optional(source=source)}))

    def allocate_order(self, order_number: str) -> t.AllocateOrderResult:
        """{orderNumber, items: [{sku, skuCode, lotNumber, quantity}]}: `sku` is the text to send to ShipStation."""
        return cast(t.AllocateOrderResult, self.call("allocateOrder", {"orderNumber": order_number}))

    def mark_uploaded(self, order_number: str, shipstation_order_id: str | int, items: Iterable[JSONObject] | None = None) -> t.MarkUploadedResult:
        """items: the lines sent to ShipStation ([{"sku", "quantity"}]); when the order's allocated
        lines are no longer those, -32024 order_changed (e.data["items"] the current ones)."""
        params: JSONObject = {"orderNumber": order_number, "shipstationOrderId": shipstation_order_id}
        if items is not None:
            params["items"] = [{"sku": i["sku"], "quantity": i["quantity"]} for i in items]
        return cast(t.MarkUploadedResult, self.call("markUploaded", params))

    def cancel_order(self, order_number: str, reason: str | None = None) -> t.CancelOrderResult:
        return cast(t.CancelOrderResult, self.call("cancelOrder", {"orderNumber": order_number, **self._optional(reason=reason)}))

    def list_orders(self, status: str | None = None, date_from: str | None = None, date_to: str | None = None, order_number: str | None = None, limit: int | None = None, cursor: str | None = None) -> t.ListOrdersResult:
        params = self._optional(status=status, orderNumber=order_number, limit=limit, cursor=cursor, **{"from": date_from, "to": date_to})
        return cast(t.ListOrdersResult, self.call("listOrders", params))

    def iter_orders(self, **filters: Any) -> Iterator[t.InboxOrder]:
        """Every inbox order matching the filters, following the cursor page by page."""
        return self._every_page(self.list_orders, "orders", filters)

    def purge_orders(self, before: str, apply: bool = False) -> t.PurgeOrdersResult:
        return cast(t.PurgeOrdersResult, self.call("purgeOrders", {"before": before, "apply": apply}))

    def inbox_summary(self) -> t.InboxSummaryResult:
        return cast(t.InboxSummaryResult, self.call("inboxSummary"))

    # -- the workflows' run journal and pause switch (OPERATIONS.md) ---------------------------

    def start_run(self, workflow: str, args: str | None = None, dry_run: bool = False) -> t.StartRunResult:
        return cast(t.StartRunResult, self.call("startRun", {"workflow": workflow, "dryRun": dry_run, **self._optional(args=args)}))

    def finish_run(self, run_id: int, exit_status: int, summary: str, counts: Mapping[str, int] | None = None) -> t.FinishRunResult:
        return cast(t.FinishRunResult, self.call("finishRun", {"runId": run_id, "exitStatus": exit_status, "summary": summary,
                                                                **self._optional(counts=dict(counts) if counts is not None else None)}))

    def list_runs(self, workflow: str | None = None, limit: int | None = None, cursor: str | None = None) -> t.ListRunsResult:
        return cast(t.ListRunsResult, self.call("listRuns", self._optional(workflow=workflow, limit=limit, cursor=cursor)))

    def set_schedule(self, workflow: str, every_minutes: int) -> t.SetScheduleResult:
        return cast(t.SetScheduleResult, self.call("setSchedule", {"workflow": workflow, "everyMinutes": every_minutes}))

    def automation_status(self) -> t.AutomationStatusResult:
        return cast(t.AutomationStatusResult, self.call("automationStatus"))

    def pause_workflows(self, reason: str, workflows: Iterable[str] | None = None) -> t.AutomationStatusResult:
        return cast(t.AutomationStatusResult, self.call("pauseWorkflows", {"reason": reason, **self._optional(workflows=list(workflows) if workflows is not None else None)}))

    def resume_workflows(self, workflows: Iterable[str] | None = None) -> t.AutomationStatusResult:
        return cast(t.AutomationStatusResult, self.call("resumeWorkflows", self._optional(workflows=list(workflows) if workflows is not None else None)))

    def purge_runs(self, before: str, apply: bool = False) -> t.PurgeRunsResult:
        return cast(t.PurgeRunsResult, self.call("purgeRuns", {"before": before, "apply": apply}))
