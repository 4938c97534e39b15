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
    import time
    began = time.monotonic()
    with pytest.raises(TransportError):
        Client("127.0.0.1:1", timeout=2).status()   # tried again for about 8 s: ORA may be restarting
    assert 7 < time.monotonic() - began < 12
    with pytest.raises(TransportError):
        Client("127.0.0.1:1", timeout=2, reconnect=False).status()
    with pytest.raises(ValueError):
        Client("nonsense").status()


def test_iter_shipped_items_follows_cursor(seeded):
    with Client(seeded.address) as ora:
        ora.call_many([("recordShipment", {"orderNumber": f"I{i}", "shipDate": TODAY,
                                           "items": [{"sku": "17612", "quantity": 1}, {"sku": "18795", "quantity": 2}]})
                       for i in range(30)])
        lines = list(ora.iter_shipped_items(date=TODAY, limit=7))
        assert len(lines) == 60 and len({l["id"] for l in lines}) == 60


def busy_ora(busy):
    """A stand-in for ORA (ScriptedOra) that answers `overloaded` to the first `busy` requests it
    reads (shutting_down for the last of them), then a result; `.seen` lists the methods read."""
    import json
    seen = []

    def answer(request):
        seen.append(request["method"])
        if len(seen) <= busy:
            code, reason = (-32012, "shutting_down") if len(seen) == busy else (-32011, "overloaded")
            reply = {"jsonrpc": "2.0", "id": request["id"], "error": {"code": code, "message": reason, "data": {"reason": reason}}}
        else:
            reply = {"jsonrpc": "2.0", "id": request["id"], "result": {"ok": len(seen)}}
        return (json.dumps(reply) + "\n").encode()

    ora = ScriptedOra(answer)
    ora.seen = seen
    return ora


def test_busy_answers_are_retried_then_give_up(monkeypatch):
    """overloaded / shutting_down wrote nothing: the call goes again after a pause, also a call
    that is not idempotent; after the last pause it is a TransportError (exit 3 in the commands)."""
    from ora_client.client import client as module
    pauses = []
    monkeypatch.setattr(module.time, "sleep", pauses.append)
    ora = busy_ora(3)
    with Client(ora.address) as c:
        assert c.call("removeShipment", {"orderNumber": "1"}) == {"ok": 4}
    assert ora.seen == ["removeShipment"] * 4 and pauses == list(module.BUSY_BACKOFF[:3])
    always = busy_ora(1000)
    with Client(always.address) as c, pytest.raises(TransportError, match="kept answering"):
        c.call("status")
    assert len(always.seen) == 1 + len(module.BUSY_BACKOFF)


class ScriptedOra:
    """A stand-in for ORA that answers each request line with `answer(request)` (bytes, or None
    to say nothing)."""

    def __init__(self, answer):
        import socket
        import threading
        self.answer = answer
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        import json
        import threading
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1

            def talk(conn=conn):
                with conn, conn.makefile("rwb") as f:
                    for line in f:
                        reply = self.answer(json.loads(line))
                        if reply is not None:
                            f.write(reply)
                            f.flush()
            threading.Thread(target=talk, daemon=True).start()


def test_transport_errors_are_not_refusals():
    """`except OraError` means the server refused; an outage is a TransportError beside it."""
    from ora_client import ClientError
    assert not issubclass(TransportError, OraError) and not issubclass(OraError, TransportError)
    assert issubclass(TransportError, ClientError) and issubclass(OraError, ClientError)
    with pytest.raises(TransportError):
        try:
            Client("127.0.0.1:1", timeout=2, reconnect=False).status()
        except OraError:
            pytest.fail("an outage was caught as a refusal")


def test_a_timeout_is_one_timeout_never_retried():
    import time
    silent = ScriptedOra(lambda request: None)
    began = time.monotonic()
    with pytest.raises(TransportError) as e:
        Client(silent.address, timeout=1.0).status()   # idempotent, yet not sent twice
    elapsed = time.monotonic() - began
    assert e.value.timed_out and 1.0 <= elapsed < 1.8 and silent.connections == 1


def test_garbled_and_out_of_step_replies_drop_the_connection():
    import json
    garbled = ScriptedOra(lambda r: b"<html>502 Bad Gateway</html>\n" if r["method"] == "status" else
                          (json.dumps({"jsonrpc": "2.0", "id": r["id"], "result": {"ok": True}}) + "\n").encode())
    c = Client(garbled.address, timeout=5)
    with pytest.raises(TransportError, match="not JSON"):
        c.call("status")
    assert c._sock is None
    assert c.call("listSkus") == {"ok": True} and garbled.connections == 2  # a new connection, in step
    other = ScriptedOra(lambda r: (json.dumps({"jsonrpc": "2.0", "id": r["id"] + 7, "result": {}}) + "\n").encode())
    with pytest.raises(TransportError, match="out of step"):
        Client(other.address, timeout=5).call("addSomething")


def test_call_refuses_params_and_keywords_together(seeded):
    with Client(seeded.address) as ora:
        with pytest.raises(TypeError):
            ora.call("parseSku", {"sku": "1"}, resolve=True)
        assert ora.call("parseSku", sku="17612")["baseSku"] == "17612"


def test_after_line_too_long_the_next_call_works(seeded):
    with Client(seeded.address) as ora:
        with pytest.raises(OraError) as e:
            ora.call("parseSku", {"sku": "1" * (2 << 20)})
        assert e.value.reason == "line_too_long"
        assert ora.status()["version"]   # not the socket the server closed


def test_half_a_million_pipelined_calls_complete(seeded):
    """The client writes while it reads, so the server's back-pressure never deadlocks it."""
    with Client(seeded.address, timeout=60) as ora:
        results = ora.call_many(("parseSku", {"sku": f"{i} - 1"}) for i in range(500_000))
    assert len(results) == 500_000 and results[-1]["baseSku"] == "499999"


def test_threads_share_one_client(seeded):
    """One Client, 8 threads: calls take turns and each thread gets its own replies."""
    import threading
    failures = []
    with Client(seeded.address) as ora:
        def work(t):
            for i in range(200):
                r = ora.call("parseSku", {"sku": f"{t}{i:03d} - {t}"})
                if (r["baseSku"], r["lotNumber"]) != (f"{t}{i:03d}", str(t)):
                    failures.append((t, i, r))
        threads = [threading.Thread(target=work, args=(t,)) for t in range(1, 9)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert failures == []


def test_params_that_cannot_be_sent_send_nothing(seeded):
    """A set or a lone surrogate in the params raises before anything is sent: the connection
    stays in step and nothing ran."""
    with Client(seeded.address) as ora:
        before = ora.status()["requests"]
        for bad in ({1, 2}, "\ud800"):
            with pytest.raises((TypeError, UnicodeEncodeError, ValueError)):
                ora.call_many([("parseSku", {"sku": "1"})] * 20_000 + [("parseSku", {"sku": bad})])
        assert ora.status()["requests"] == before + 1   # only the status calls ran
        assert ora.call("parseSku", {"sku": "17612"})["valid"] is True


def test_line_too_long_in_the_middle_of_a_pipeline(seeded):
    """The refusal comes back in its place; the calls after it (which never ran: the server
    closed the connection) go on a new connection; nothing is sent twice."""
    with Client(seeded.address) as ora:
        before = ora.status()["requests"]
        results = ora.call_many([("upsertSku", {"skuCode": "77777", "productName": "x"}), ("parseSku", {"sku": "1" * (2 << 20)}),
                                 ("adjustInventory", {"skuCode": "77777", "quantity": 5, "reason": "receipt"})], raise_errors=False)
        assert results[0]["created"] is True and results[1].reason == "line_too_long" and results[2]["entryId"]
        assert len(ora.inventory_ledger("77777")["entries"]) == 1
        assert ora.status()["requests"] == before + 4


def test_a_connection_the_server_closed_while_idle_is_replaced(tmp_path, seeded):
    """The server restarted (or timed the idle connection out) between two calls: the next call,
    not idempotent, goes on a new connection and runs once."""
    import signal as sig
    ora = Client(seeded.address)
    assert ora.status()
    seeded.listen = f"127.0.0.1:{seeded.port}"
    seeded.stop(sig.SIGTERM)
    seeded.start()
    entry = ora.call("adjustInventory", {"skuCode": "17612", "lotNumber": "250300", "quantity": -1, "reason": "damage"})
    assert entry["entryId"] and [e["kind"] for e in ora.inventory_ledger("17612", "250300")["entries"]].count("adjustment") == 1
    ora.close()


def test_a_boolean_id_is_not_the_request_s_id():
    import json
    boolean = ScriptedOra(lambda r: (json.dumps({"jsonrpc": "2.0", "id": True, "result": {}}) + "\n").encode())
    with pytest.raises(TransportError, match="out of step"):
        Client(boolean.address, timeout=5).call("status")
