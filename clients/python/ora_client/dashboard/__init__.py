"""ora-dashboard: the read-only web page the team looks at. It reads only through ORA (the Python
client), never the database file, and writes nothing.

Pages: `/` (today), `/shipped?date=D&sku=S`, `/lots`, `/weekly`, `/inbox?status=S`,
`/ledger?sku=S&lot=L`, `/automation` (the workflows' states); the seed's JSON endpoints
`/api/shipped_items`, `/api/lot_inventory`, `/api/dashboard_stats` and `/api/automation_status`;
`/api/health` (200 healthy, 503 not: a monitor's probe), `/livez` (200 while the dashboard runs)
and `/readyz` (200 when ORA answers, replication is within --max-lag and validate has no error;
503 with the reasons). When ORA cannot be reached, every page answers 503 and recovers by itself.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from flask import Flask, Response, jsonify, render_template_string, request

from .. import weekly
from ..client import Client, OraError, TransportError, types
from ..workflows import health_check
from . import templates

#: A page's HTML and its HTTP status.
Page = tuple[str, int]


def create_app(ora_address: str | None = None, token: str | None = None, timezone: str = "America/Los_Angeles",
               tls: bool = False, cafile: str | None = None, max_lag: int = 30) -> Flask:
    app = Flask(__name__)
    zone = zoneinfo.ZoneInfo(timezone)

    def today() -> datetime.date:
        return datetime.datetime.now(zone).date()

    def ora() -> Client:
        return Client(ora_address, timeout=15, token=token, tls=tls, cafile=cafile)

    def page(title: str, body: str, status: int = 200, refresh: int | None = None, **values: Any) -> Page:
        inner = render_template_string(body, **values)
        return render_template_string(templates.LAYOUT, title=title, body=inner, refresh=refresh), status

    @app.errorhandler(TransportError)
    def unreachable(e: TransportError) -> tuple[Response, int] | Page:
        if request.path.startswith("/api/"):
            return jsonify({"error": "ORA is not reachable", "detail": e.message}), 503
        return page("ORA is not reachable", templates.UNAVAILABLE, 503, refresh=10, address=ora_address or "the default address", reason=e.message)

    @app.errorhandler(OraError)
    def refused(e: OraError) -> tuple[Response, int] | Page:
        if request.path.startswith("/api/"):
            return jsonify({"error": e.message, "reason": e.reason}), 400
        return page("Cannot show that", templates.ERROR, 400, message=e.message)

    def day_arg() -> str:
        text = request.args.get("date") or today().isoformat()
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise OraError(-32602, f"date {text!r} is not YYYY-MM-DD", {"reason": "invalid_params"}) from None

    def shipped_lines(client: Client, date: str, sku: str | None) -> list[types.ShippedLine]:
        return list(client.iter_shipped_items(date=date, sku_code=sku or None))

    @app.route("/")
    def today_page() -> Page:
        date = today().isoformat()
        with ora() as client:
            shipped = client.shipped_items(date=date, limit=1)
            lines = shipped_lines(client, date, None)
            health = client.validate()
            inbox = client.inbox_summary()
            alerts = [s for s in client.lot_inventory() if s["belowReorderPoint"]]
        errors = sum(1 for c in health["checks"] if c["status"] == "error")
        warnings = sum(1 for c in health["checks"] if c["status"] == "warning")
        return page(f"Today, {date}", templates.TODAY, date=date, shipped=shipped, orders_today=len({i["orderNumber"] for i in lines}),
                    health=health, errors=errors, warnings=warnings, inbox=inbox, alerts=alerts)

    @app.route("/shipped")
    def shipped_page() -> Page:
        date, sku = day_arg(), request.args.get("sku") or None
        with ora() as client:
            items = shipped_lines(client, date, sku)
        return page(f"Shipped on {date}", templates.SHIPPED, date=date, sku=sku, items=items, total_units=sum(i["quantity"] for i in items),
                    orders=len({i["orderNumber"] for i in items}))

    @app.route("/lots")
    def lots_page() -> Page:
        with ora() as client:
            skus = client.lot_inventory()
        return page("Lots, oldest first", templates.LOTS, skus=skus)

    @app.route("/weekly")
    def weekly_page() -> Page:
        weeks_n = max(1, min(52, request.args.get("weeks", default=8, type=int)))
        start = weekly.first_week(today(), weeks_n)
        with ora() as client:
            weeks = client.weekly_shipped(week_start=start.isoformat(), weeks=weeks_n)
        return page("Units shipped per week", templates.WEEKLY, weeks=weeks, charts=weekly.bars_by_sku(weeks))

    @app.route("/inbox")
    def inbox_page() -> Page:
        status = request.args.get("status") or "pending"
        with ora() as client:
            counts = client.inbox_summary()["orders"]
            orders = list(client.iter_orders(status=status))
        return page(f"Inbox: {status} orders", templates.INBOX, counts=counts, orders=orders)

    @app.route("/ledger")
    def ledger_page() -> Page:
        sku, lot = request.args.get("sku") or None, request.args.get("lot") or None
        with ora() as client:
            skus = [s["skuCode"] for s in client.list_skus()]
            ledger = client.inventory_ledger(sku, lot_number=lot) if sku else None
        title = f"Ledger of {sku}" + (f" - {lot}" if lot else "") if sku else "Ledger"
        return page(title, templates.LEDGER, skus=skus, sku=sku, lot=lot, ledger=ledger)

    # The seed's JSON endpoints, with its names and field names.

    @app.route("/api/shipped_items")
    def api_shipped_items() -> Response:
        date, sku = day_arg(), request.args.get("sku") or None
        with ora() as client:
            items = shipped_lines(client, date, sku)
        return jsonify([{"id": i["id"], "ship_date": i["shipDate"], "sku_lot": i["sku"], "base_sku": i["baseSku"],
                         "lot_number": i["lotNumber"], "quantity_shipped": i["quantity"], "order_number": i["orderNumber"]} for i in items])

    @app.route("/api/lot_inventory")
    def api_lot_inventory() -> Response:
        with ora() as client:
            skus = client.lot_inventory()
        return jsonify([{"sku": s["skuCode"], "product_name": s["productName"], "lot": l["lotNumber"], "received_date": l["receivedDate"],
                         "initial_qty": l["initialQty"], "manual_adjustment": l["manualAdjustment"], "adjustments": l["adjustments"],
                         "shipped": l["shipped"], "remaining": l["remaining"], "status": l["status"]}
                        for s in skus for l in s["lots"]])

    @app.route("/api/dashboard_stats")
    def api_dashboard_stats() -> Response:
        date = today().isoformat()
        with ora() as client:
            lines = shipped_lines(client, date, None)
            health = client.validate()
            inbox = client.inbox_summary()
            inventory = client.lot_inventory()
            counts = client.status()["counts"]
        return jsonify({"date": date, "units_shipped_today": sum(i["quantity"] for i in lines),
                        "orders_shipped_today": len({i["orderNumber"] for i in lines}),
                        "healthy": health["ok"], "inbox": inbox["orders"],
                        "reorder_alerts": [{"sku": s["skuCode"], "remaining": s["remaining"], "reorder_point": s["reorderPoint"]}
                                           for s in inventory if s["belowReorderPoint"]],
                        "skus": counts["skus"], "lots": counts["lots"], "orders": counts["orders"], "items": counts["items"]})

    @app.route("/automation")
    def automation_page() -> Page:
        with ora() as client:
            status = client.automation_status()
        return page("Workflows", templates.AUTOMATION, automation=status)

    @app.route("/api/automation_status")
    def api_automation_status() -> Response:
        with ora() as client:
            workflows = client.automation_status()["workflows"]
        return jsonify([{"workflow": w["workflow"], "status": w["state"], "lastRun": w["lastRun"], "lastSuccess": w["lastSuccessAt"],
                         "everyMinutes": w["everyMinutes"], "paused": w["paused"], "pausedReason": w["pausedReason"]} for w in workflows])

    @app.route("/api/health")
    def api_health() -> tuple[Response, int]:
        try:
            with ora() as client:
                problems = health_check.ora_problems(client, max_lag)
        except TransportError as e:
            problems = [health_check.problem("ora:unreachable", f"ORA unreachable: {e.message}")]
        return jsonify({"healthy": not problems, "problems": problems}), 200 if not problems else 503

    @app.route("/livez")
    def livez() -> tuple[str, int, dict[str, str]]:
        return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

    @app.route("/readyz")
    def readyz() -> tuple[str, int, dict[str, str]]:
        reasons: list[str] = []
        try:
            with ora() as client:
                reasons += [p["text"] for p in health_check.replication_problems(client.status(), max_lag)]
                reasons += [f"validate {c['name']}: {c['message']}" for c in client.validate()["checks"] if c["status"] == "error"]
        except TransportError as e:
            reasons.append(f"ORA unreachable: {e.message}")
        text = "ready\n" if not reasons else "not ready:\n" + "".join(f"- {r}\n" for r in reasons)
        return text, 200 if not reasons else 503, {"Content-Type": "text/plain; charset=utf-8"}

    return app
