"""A fake ShipStation v1 API on 127.0.0.1 for the workflow tests: HTTP Basic, small pages,
X-Rate-Limit-* headers, scripted 429 and 503 answers, and /shipments, /orders and
/orders/createorders in ShipStation's shapes."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeShipStation:
    def __init__(self, key="test-key", secret="test-secret", page_size=2, limit=1000):
        self.key, self.secret = key, secret
        self.page_size = page_size
        self.limit = limit
        self.remaining = limit
        self.shipments = []
        self.orders = {}          # orderKey -> order
        self.next_order_id = 500000
        self.refuse = set()       # order numbers createorders refuses
        self.scripted = []        # [(method, path prefix, status)], each answered once
        self.requests = []        # (method, path, query)
        self.on_create = None     # called after createorders has stored its orders
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

    def add_order(self, number, status, items, modify_date, order_date="2025-10-06"):
        with self.lock:
            self.next_order_id += 1
            self.orders[number] = {"orderId": self.next_order_id, "orderNumber": number, "orderKey": number, "orderStatus": status,
                                   "orderDate": order_date + "T00:00:00.0000000", "modifyDate": modify_date + "T08:00:00.0000000", "items": items}

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

    def handle(self, h, method):
        url = urlparse(h.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.lock:
            self.requests.append((method, url.path, query))
            expected = "Basic " + base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
            if h.headers.get("Authorization") != expected:
                return self.answer(h, 401, {"Message": "Unauthorized"})
            for i, (m, prefix, status) in enumerate(self.scripted):
                if m == method and url.path.startswith(prefix):
                    del self.scripted[i]
                    return self.answer(h, status, {"Message": "scripted"}, {"X-Rate-Limit-Limit": str(self.limit), "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "1"})
            self.remaining -= 1
            headers = {"X-Rate-Limit-Limit": str(self.limit), "X-Rate-Limit-Remaining": str(max(0, self.remaining)), "X-Rate-Limit-Reset": "1"}
            if self.remaining <= 0:
                self.remaining = self.limit
        if method == "GET" and url.path == "/shipments":
            return self.answer(h, 200, self.page(self.matching_shipments(query), query, "shipments"), headers)
        if method == "GET" and url.path == "/orders":
            return self.answer(h, 200, self.page(self.matching_orders(query), query, "orders"), headers)
        if method == "POST" and url.path == "/orders/createorders":
            body = json.loads(h.rfile.read(int(h.headers.get("Content-Length") or 0)) or b"[]")
            if len(body) > 100:
                return self.answer(h, 400, {"Message": "at most 100 orders"}, headers)
            results = []
            with self.lock:
                for o in body:
                    if o["orderNumber"] in self.refuse:
                        results.append({"orderId": None, "orderNumber": o["orderNumber"], "orderKey": o.get("orderKey"), "success": False,
                                        "errorMessage": "The order is not valid"})
                        continue
                    known = self.orders.get(o["orderKey"])
                    order_id = known["orderId"] if known else self.next_order_id + 1
                    if not known:
                        self.next_order_id += 1
                    self.orders[o["orderKey"]] = dict(o, orderId=order_id, modifyDate="2025-10-06T08:00:00.0000000")
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
            out.append(o)
        return out

    def page(self, items, q, key):
        size = min(int(q.get("pageSize", 100)), self.page_size)
        page = int(q.get("page", 1))
        pages = max(1, -(-len(items) // size))
        return {key: items[(page - 1) * size:page * size], "total": len(items), "page": page, "pages": pages}
