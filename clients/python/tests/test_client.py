"""The Python client against a real ora-server."""

import datetime
import signal

import pytest

from ora_client import Client, OraError, TransportError

TODAY = datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def test_record_and_read_back(seeded):
    with Client(seeded.address) as ora:
        r = ora.record_shipment("100231", TODAY, [{"sku": "17612 - 250300", "quantity": 2}, {"sku": "17612-250300", "quantity": 1}],
                                source="test")
        assert r["status"] == "created"
        assert [(i["sku"], i["quantity"]) for i in r["items"]] == [("17612 - 250300", 3)]
        assert ora.record_shipment("100231", TODAY, [{"sku": "17612 - 250300", "quantity": 3}])["status"] == "unchanged"
        assert ora.shipped_items(date=TODAY)["totalUnits"] == 3
        assert ora.parse_sku(" 17612 - 250300 ", resolve=True)["lotId"] is not None
        assert [e["action"] for e in ora.order_history("100231")] == ["created"]


def test_errors_carry_code_and_reason(seeded):
    with Client(seeded.address) as ora:
        with pytest.raises(OraError) as e:
            ora.record_shipment("1", TODAY, [{"sku": "99999", "quantity": 1}])
        assert e.value.code == -32001 and e.value.reason == "unknown_sku" and e.value.data["skus"] == ["99999"]
        with pytest.raises(OraError) as e:
            ora.record_shipment("1", TODAY, [{"sku": "17612", "quantity": 1.5}])
        assert e.value.reason == "invalid_params" and e.value.data["field"] == "/items/0/quantity"
        with pytest.raises(OraError) as e:
            ora.call("noSuchMethod")
        assert e.value.code == -32601
        # The connection stays usable after errors.
        assert ora.status()["counts"]["orders"] == 0


def test_call_many_pipelines_in_order(seeded):
    with Client(seeded.address) as ora:
        calls = [("recordShipment", {"orderNumber": f"P{i}", "shipDate": TODAY, "items": [{"sku": "17612", "quantity": 1}]})
                 for i in range(200)]
        calls.append(("shippedItems", {"date": TODAY, "limit": 1}))
        results = ora.call_many(calls)
        assert [r["orderNumber"] for r in results[:200]] == [f"P{i}" for i in range(200)]
        assert results[200]["totalLines"] == 200
        mixed = ora.call_many([("parseSku", {"sku": "1"}), ("recordShipment", {"orderNumber": "X"})], raise_errors=False)
        assert mixed[0]["valid"] is True and isinstance(mixed[1], OraError)


def test_reconnects_for_idempotent_calls_after_restart(seeded):
    ora = Client(seeded.address)
    assert ora.status()["version"]
    seeded.stop()
    seeded.start()
    ora.address = seeded.address  # a restart on port 0 picks a new port
    assert ora.status()["counts"]["skus"] == 5  # the old socket is dead: retried on a new one
    ora.close()


def test_no_retry_for_calls_that_are_not_idempotent(seeded):
    ora = Client(seeded.address)
    ora.status()
    seeded.stop(signal.SIGKILL)
    with pytest.raises(TransportError):
        ora.call("backup", {"path": "never.db"})


def test_timeout_and_unreachable():
    with pytest.raises(TransportError):
        Client("127.0.0.1:1", timeout=2).status()
    with pytest.raises(ValueError):
        Client("nonsense").status()


def test_iter_shipped_items_follows_cursor(seeded):
    with Client(seeded.address) as ora:
        ora.call_many([("recordShipment", {"orderNumber": f"I{i}", "shipDate": TODAY,
                                           "items": [{"sku": "17612", "quantity": 1}, {"sku": "18795", "quantity": 2}]})
                       for i in range(30)])
        lines = list(ora.iter_shipped_items(date=TODAY, limit=7))
        assert len(lines) == 60 and len({l["id"] for l in lines}) == 60


class BusyOra:
    """A stand-in for ORA on a socket: answers `overloaded` to the first `busy` requests it
    reads (shutting_down for the last of them), then a result."""

    def __init__(self, busy):
        import socket
        import threading
        self.busy, self.seen = busy, []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        import json
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as f:
                for line in f:
                    request = json.loads(line)
                    self.seen.append(request["method"])
                    if len(self.seen) <= self.busy:
                        code, reason = (-32012, "shutting_down") if len(self.seen) == self.busy else (-32011, "overloaded")
                        reply = {"jsonrpc": "2.0", "id": request["id"], "error": {"code": code, "message": reason, "data": {"reason": reason}}}
                    else:
                        reply = {"jsonrpc": "2.0", "id": request["id"], "result": {"ok": len(self.seen)}}
                    f.write((json.dumps(reply) + "\n").encode())
                    f.flush()


def test_busy_answers_are_retried_then_give_up(monkeypatch):
    """overloaded / shutting_down wrote nothing: the call goes again after a pause, also a call
    that is not idempotent; after the last pause it is a TransportError (exit 3 in the commands)."""
    from ora_client.client import client as module
    pauses = []
    monkeypatch.setattr(module.time, "sleep", pauses.append)
    ora = BusyOra(busy=3)
    with Client(ora.address) as c:
        assert c.call("removeShipment", {"orderNumber": "1"}) == {"ok": 4}
    assert ora.seen == ["removeShipment"] * 4 and pauses == list(module.BUSY_BACKOFF[:3])
    always = BusyOra(busy=1000)
    with Client(always.address) as c, pytest.raises(TransportError, match="kept answering"):
        c.call("status")
    assert len(always.seen) == 1 + len(module.BUSY_BACKOFF)
