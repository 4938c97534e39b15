"""A fake ShipStation v1 API on 127.0.0.1 for the workflow tests, behaving like the real one in the
ways WORKFLOWS.md ("ShipStation as it really behaves") lists:

- HTTP Basic; small pages (`page`, `pages`, `total`); X-Rate-Limit-Limit/Remaining/Reset on every
  answer, and a 429 once a window's requests are spent (`limit` per `window` seconds);
- an order ships in several shipments (boxes) on several days; a label can be voided at any time
  (the order goes back to awaiting_shipment when no label is left); an order can be put on hold,
  cancelled, or marked shipped by hand without any label; every change moves its modifyDate;
- without `sortBy` the order of items is whatever the server likes, different on every request;
  with `sortBy=CreateDate` it is stable. `between_pages` lets a test change the data between two
  pages of one read (an item then shows up on two pages, as on the real API);
- createorders updates an order of the same orderKey only while it is open (awaiting_shipment,
  on_hold): a shipped or cancelled one is refused in its result, as ShipStation documents;
- scripted failures (`fail_next`), createorders refusals, and a request log so a test can count
  what a run asked for.
"""

import base64
import datetime
import itertools
import json
import math
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeShipStation:
    def __init__(self, key="test-key", secret="test-secret", page_size=2, limit=1000, window=1.0):
        self.key, self.secret = key, secret
        self.page_size = page_size
        self.limit, self.window = limit, window
        self.window_start, self.used = time.monotonic(), 0
        self.shipments = []       # ShipStation shipment objects; tests may assign the list directly
        self.orders = {}          # orderKey -> order
        self.next_order_id = 500000
        self.ids = itertools.count(80000001)
        self.refuse = set()       # order numbers createorders refuses (its result says so)
        self.poison = set()       # order numbers that make createorders refuse the whole request (400)
        self.scripted = []        # [(method, path prefix, status)], each answered once
        self.requests = []        # (method, path, query), every request that reached the fake
        self.on_create = None     # called after createorders has stored its orders
        self.created = []         # orderKey of every order createorders stored, in order (a re-send too)
        self.between_pages = None  # called as between_pages(path, query) after each page served
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.handle(self, "GET")

            def do_POST(self):
                fake.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self):
        return {"SHIPSTATION_URL": self.url, "SHIPSTATION_API_KEY": self.key, "SHIPSTATION_API_SECRET": self.secret}

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, method, prefix, status, times=1):
        self.scripted += [(method, prefix, status)] * times

    def count(self, method, path):
        return sum(1 for m, p, _ in self.requests if m == method and p == path)

    # --- what happens in ShipStation (a person, a carrier, a marketplace) ---

    @staticmethod
    def stamp(date, seconds=0):
        """A ShipStation date-time: Pacific time, no zone, seven decimals."""
        return f"{date}T{8 + seconds // 3600 % 12:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.0000000"

    def add_order(self, number, status, items, modify_date, order_date="2025-10-06", ship_date=None):
        with self.lock:
            self.next_order_id += 1
            self.orders[number] = {"orderId": self.next_order_id, "orderNumber": number, "orderKey": number, "orderStatus": status,
                                   "orderDate": order_date + "T00:00:00.0000000", "createDate": self.stamp(order_date, self.next_order_id % 3600),
                                   "modifyDate": modify_date + "T08:00:00.0000000", "shipDate": ship_date,
                                   "items": [dict(i) for i in items]}
            return self.orders[number]

    def ship(self, number, date, items, modify_date=None):
        """A label for order `number` (one box): a shipment dated `date`; the order is shipped."""
        with self.lock:
            sid = next(self.ids)
            s = {"shipmentId": sid, "orderId": self.orders[number]["orderId"] if number in self.orders else None,
                 "orderNumber": number, "orderKey": number, "createDate": self.stamp(date, sid % 3600), "shipDate": date,
                 "voided": False, "voidDate": None, "shipmentCost": 8.41, "trackingNumber": f"1Z{sid}",
                 "shipmentItems": [{"orderItemId": n, "sku": sku, "name": "Product", "quantity": q, "unitPrice": 9.5}
                                   for n, (sku, q) in enumerate(items, 1)]}
            self.shipments.append(s)
            order = self.orders.get(number)
            if order:
                order["orderStatus"] = "shipped"
                order["shipDate"] = order.get("shipDate") or date
                order["modifyDate"] = (modify_date or date) + "T09:00:00.0000000"
            return sid

    def void(self, shipment_id, on_date):
        """The label is voided (any time after it was made); an order left with no label is
        awaiting shipment again."""
        with self.lock:
            s = next(s for s in self.shipments if s.get("shipmentId") == shipment_id)
            s["voided"], s["voidDate"] = True, on_date + "T10:00:00.0000000"
            order = self.orders.get(s["orderNumber"])
            if order and not any(not x.get("voided") for x in self.shipments if x["orderNumber"] == order["orderNumber"]):
                order["orderStatus"], order["shipDate"] = "awaiting_shipment", None
                order["modifyDate"] = on_date + "T10:00:00.0000000"

    def set_status(self, number, status, on_date, ship_date=None):
        """A person holds, cancels or marks an order shipped (no label) in ShipStation's screen."""
        with self.lock:
            order = self.orders[number]
            order["orderStatus"], order["modifyDate"] = status, on_date + "T11:00:00.0000000"
            if ship_date:
                order["shipDate"] = ship_date

    # --- the HTTP side ---

    def answer(self, h, status, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else b""
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def rate_headers(self):
        """Counts this request against the window; (headers, throttled)."""
        now = time.monotonic()
        if now - self.window_start >= self.window:
            self.window_start, self.used = now, 0
        reset = max(1, math.ceil(self.window - (now - self.window_start)))
        throttled = self.used >= self.limit
        if not throttled:
            self.used += 1
        return {"X-Rate-Limit-Limit": str(self.limit), "X-Rate-Limit-Remaining": str(max(0, self.limit - self.used)),
                "X-Rate-Limit-Reset": str(reset)}, throttled

    def handle(self, h, method):
        url = urlparse(h.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.lock:
            self.requests.append((method, url.path, query))
            expected = "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
            if h.headers.get("Authorization") != expected:
                return self.answer(h, 401, {"Message": "Authorization has been denied for this request."})
            for i, (m, prefix, status) in enumerate(self.scripted):
                if m == method and url.path.startswith(prefix):
                    del self.scripted[i]
                    return self.answer(h, status, {"Message": "scripted"}, {"X-Rate-Limit-Limit": str(self.limit), "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "1"})
            headers, throttled = self.rate_headers()
            if throttled:
                return self.answer(h, 429, {"Message": "Too Many Requests"}, headers)
        listing = {"/shipments": (self.matching_shipments, "shipments", "shipmentId"),
                   "/orders": (self.matching_orders, "orders", "orderId")}.get(url.path)
        if method == "GET" and listing:
            matching, key, id_key = listing
            with self.lock:
                body = self.page(matching(query), query, key, id_key)
            self.answer(h, 200, body, headers)
            if self.between_pages:
                self.between_pages(url.path, query)
            return
        if method == "POST" and url.path == "/orders/createorders":
            body = json.loads(h.rfile.read(int(h.headers.get("Content-Length") or 0)) or b"[]")
            if len(body) > 100:
                return self.answer(h, 400, {"Message": "at most 100 orders"}, headers)
            bad = [o.get("orderNumber") for o in body if o.get("orderNumber") in self.poison]
            if bad:
                return self.answer(h, 400, {"Message": "The request is invalid.", "ExceptionMessage": f"Order {bad[0]}: invalid address"}, headers)
            results = []
            with self.lock:
                for o in body:
                    if o["orderNumber"] in self.refuse:
                        results.append({"orderId": None, "orderNumber": o["orderNumber"], "orderKey": o.get("orderKey"), "success": False,
                                        "errorMessage": "The order is not valid"})
                        continue
                    known = self.orders.get(o["orderKey"])
                    if known and known["orderStatus"] in ("shipped", "cancelled"):
                        # ShipStation: only open orders (awaiting_payment, awaiting_shipment, on_hold) can be updated.
                        results.append({"orderId": None, "orderNumber": o["orderNumber"], "orderKey": o["orderKey"], "success": False,
                                        "errorMessage": f"The order is {known['orderStatus']} and cannot be updated"})
                        continue
                    order_id = known["orderId"] if known else self.next_order_id + 1
                    if not known:
                        self.next_order_id += 1
                    today = datetime.date.today().isoformat()
                    created = known["createDate"] if known else self.stamp(today, order_id % 3600)
                    self.orders[o["orderKey"]] = dict(o, orderId=order_id, createDate=created, modifyDate=today + "T08:00:00.0000000",
                                                      shipDate=known.get("shipDate") if known else None)
                    self.created.append(o["orderKey"])
                    results.append({"orderId": order_id, "orderNumber": o["orderNumber"], "orderKey": o["orderKey"], "success": True, "errorMessage": None})
            self.answer(h, 200, {"hasErrors": any(not r["success"] for r in results), "results": results}, headers)
            if self.on_create:
                self.on_create()
            return
        return self.answer(h, 404, {"Message": "no such endpoint"}, headers)

    def matching_shipments(self, q):
        out = []
        for s in self.shipments:
            day = s["shipDate"][:10]
            if "shipDateStart" in q and day < q["shipDateStart"][:10]:
                continue
            if "shipDateEnd" in q and day > q["shipDateEnd"][:10]:
                continue
            if "orderNumber" in q and s["orderNumber"] != q["orderNumber"]:
                continue
            out.append(s)
        return out

    def matching_orders(self, q):
        out = []
        for o in self.orders.values():
            if "orderStatus" in q and o["orderStatus"] != q["orderStatus"]:
                continue
            if "modifyDateStart" in q and o["modifyDate"][:10] < q["modifyDateStart"][:10]:
                continue
            if "orderNumber" in q and not o["orderNumber"].startswith(q["orderNumber"]):
                continue  # ShipStation matches the start of the number
            if "createDateStart" in q and o["createDate"][:10] < q["createDateStart"][:10]:
                continue
            out.append(o)
        return out

    def page(self, items, q, key, id_key):
        # Items assigned by a test without an id or a createDate get them here, once.
        for item in items:
            item.setdefault(id_key, next(self.ids))
            item.setdefault("createDate", self.stamp((item.get("shipDate") or "2025-10-06")[:10], item[id_key] % 3600))
        if q.get("sortBy") == "CreateDate":
            items = sorted(items, key=lambda i: (i["createDate"], i[id_key]), reverse=q.get("sortDir") == "DESC")
        else:
            items = list(items)
            random.shuffle(items)  # no order was asked for: none is promised
        size = min(int(q.get("pageSize", 100)), self.page_size)
        page = int(q.get("page", 1))
        pages = max(1, -(-len(items) // size))
        return {key: json.loads(json.dumps(items[(page - 1) * size:page * size])), "total": len(items), "page": page, "pages": pages}
