"""Upload and import that never stall and never diverge from ShipStation, and exit statuses cron
can trust (WORKFLOWS.md: "Upload never stalls, never diverges", "Import", "Exit status, for
cron"): a poison order, a crash right after ShipStation answered, an order cancelled or
re-imported while it is being sent, an old file run again after cleanup, and every exit status."""

import json
import os
import shutil
import signal
import stat
import subprocess

import pytest

from conftest import Server, command_line, day
from ora_client import Client


def pending(address, orders, date="2025-10-06"):
    with Client(address) as ora:
        for number, items in orders:
            ora.import_order(number, date, [{"sku": s, "quantity": q} for s, q in items])


def statuses(address):
    with Client(address) as ora:
        return {o["orderNumber"]: o["orderStatus"] for o in ora.iter_orders()}


def test_a_poison_order_never_stalls_the_others(run, seeded, shipstation):
    pending(seeded.address, [(f"P{i:03d}", [("18795", 1)]) for i in range(150)])
    shipstation.poison = {"P042"}
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 1, r.stderr
    result = json.loads(r.stdout)
    assert len(result["uploaded"]) == 149
    assert [(x["orderNumber"], x["fate"], x["status"]) for x in result["refused"]] == [("P042", "refused_by_shipstation", 400)]
    assert "invalid address" in result["refused"][0]["message"]
    assert "sent 149 of 150 orders" in r.stderr  # progress at info level, for long runs
    s = statuses(seeded.address)
    assert s.pop("P042") == "pending" and set(s.values()) == {"uploaded"}
    assert "P042" not in shipstation.orders and len(shipstation.orders) == 149
    # The next run sends only the poison order, which is refused again; nothing else moves.
    before = len(shipstation.created)
    again = run("ora-upload-orders", ora=seeded)
    assert again.returncode == 1 and "0 uploaded" in again.stdout and "1 refused by ShipStation" in again.stdout
    assert len(shipstation.created) == before
    assert shipstation.count("POST", "/orders/createorders") < 25  # halving: a handful of requests, not one per order


def test_an_order_cancelled_in_ora_while_it_was_sent_is_cancelled_in_shipstation(run, seeded, shipstation):
    pending(seeded.address, [("K1", [("18795", 1)]), ("K2", [("18795", 2)]), ("K3", [("18795", 3)])])

    def cancel_k2_once():
        if not getattr(cancel_k2_once, "done", False):
            cancel_k2_once.done = True
            with Client(seeded.address) as ora:
                ora.cancel_order("K2", reason="customer called")

    shipstation.on_create = cancel_k2_once
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 1  # a person should know
    result = json.loads(r.stdout)
    assert {x["orderNumber"]: x["fate"] for x in result["orders"]} == {"K1": "uploaded", "K2": "cancelled_in_shipstation", "K3": "uploaded"}
    assert shipstation.orders["K2"]["orderStatus"] == "cancelled"   # ShipStation will never ship it
    assert statuses(seeded.address) == {"K1": "uploaded", "K2": "cancelled", "K3": "uploaded"}


def test_a_re_import_racing_the_upload_sends_the_new_content(run, seeded, shipstation):
    """ora-import-xml changes the order between ShipStation's answer and markUploaded: the upload
    sees order_changed, sends the order's current content and marks that."""
    pending(seeded.address, [("RACE", [("17612", 2)])])

    def reimport_once():
        if not getattr(reimport_once, "done", False):
            reimport_once.done = True
            with Client(seeded.address) as ora:
                ora.import_order("RACE", "2025-10-06", [{"sku": "17612", "quantity": 9}])

    shipstation.on_create = reimport_once
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["uploaded"][0]["orderNumber"] == "RACE"
    assert shipstation.orders["RACE"]["items"][0]["quantity"] == 9 and shipstation.created == ["RACE", "RACE"]
    with Client(seeded.address) as ora:
        order = ora.list_orders(order_number="RACE")["orders"][0]
        assert order["orderStatus"] == "uploaded" and sum(i["quantity"] for i in order["items"]) == 9
        assert str(shipstation.orders["RACE"]["orderId"]) == order["shipstationOrderId"]


def test_killed_right_after_shipstation_answered(tmp_path, seeded, shipstation):
    """The command dies between ShipStation's answer and markUploaded. Meanwhile a person puts one
    order on hold in ShipStation. The next run sends nothing, marks every order with ShipStation's
    id, and the held order stays on hold."""
    pending(seeded.address, [(f"W{i}", [("18795", 1)]) for i in range(5)])
    argv, env = command_line(tmp_path, shipstation, "ora-upload-orders", ora=seeded)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    shipstation.on_create = lambda: os.kill(process.pid, signal.SIGKILL)
    process.wait(60)
    assert process.returncode == -signal.SIGKILL
    shipstation.on_create = None
    assert set(statuses(seeded.address).values()) == {"pending"} and len(shipstation.created) == 5
    shipstation.set_status("W3", "on_hold", day())
    reads = shipstation.count("GET", "/orders")

    argv, env = command_line(tmp_path, shipstation, "ora-upload-orders", "--json", ora=seeded)
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    result = json.loads(r.stdout)
    assert len(result["alreadyInShipStation"]) == 5 and result["uploaded"] == []
    assert len(shipstation.created) == 5  # nothing sent again
    assert shipstation.orders["W3"]["orderStatus"] == "on_hold"
    with Client(seeded.address) as ora:
        for o in ora.iter_orders():
            assert o["orderStatus"] == "uploaded" and o["shipstationOrderId"] == str(shipstation.orders[o["orderNumber"]]["orderId"])
    # A few reads found them, not one request per order.
    # open orders (4 awaiting, 1 on hold) and those created since the import, in pages of 2: 6 reads
    assert shipstation.count("GET", "/orders") - reads == 6


OLD_FILE = """<?xml version="1.0"?>
<orders>
  <order number="OLD-1" date="2025-01-02"><item sku="18795" quantity="2"/></order>
</orders>
"""


def test_an_old_file_run_again_after_cleanup_creates_nothing(run, seeded, shipstation, tmp_path):
    f = tmp_path / "orders.xml"
    f.write_text(OLD_FILE)
    assert "1 created" in run("ora-import-xml", str(f), ora=seeded).stdout
    assert run("ora-upload-orders", ora=seeded).returncode == 0
    shipstation.ship("OLD-1", day(), [("18795", 2)])
    assert run("ora-daily-shipments", ora=seeded).returncode == 0
    assert "purged 1 orders" in run("ora-cleanup", "--apply", ora=seeded, creds=False).stdout
    # A file naming an order recorded from ShipStation only (made by hand there).
    with Client(seeded.address) as ora:
        ora.record_shipment("HAND-9", day(), [{"sku": "18795", "quantity": 1}])
    f2 = tmp_path / "more.xml"
    f2.write_text(OLD_FILE.replace("</orders>", '  <order number="HAND-9" date="2025-01-03"><item sku="18795" quantity="1"/></order>\n</orders>'))
    r = run("ora-import-xml", str(f2), "--json", ora=seeded)
    assert r.returncode == 0, r.stdout
    assert json.loads(r.stdout)["counts"] == {"created": 0, "updated": 0, "unchanged": 0, "done": 2}
    assert statuses(seeded.address) == {}
    before = len(shipstation.created)
    assert "0 pending orders" in run("ora-upload-orders", ora=seeded).stdout and len(shipstation.created) == before


@pytest.mark.parametrize("line,why", [
    ('<order number="D1" date="20251006"><item sku="17612" quantity="1"/></order>', "date"),
    ('<order number="D1" date="2025-W41-1"><item sku="17612" quantity="1"/></order>', "date"),
    ('<order number="D1" date="2025-10-06"><item sku="17612" quantity="\u00b2"/></order>', "quantity"),
    ('<order number="D1" date="2025-10-06"><item sku="17612" quantity="\u0663"/></order>', "quantity"),
    ('<order number="D1" date="2025-10-06"><item sku="17612" quantity="1" unitPriceCents="\u00b9"/></order>', "unitPriceCents"),
    ('<order number="D1" date="2025-10-06"><item sku="17612" quantity="1"/></order>\n'
     '<order number="D1" date="2025-10-07"><item sku="17612" quantity="2"/></order>', "twice"),
])
def test_import_is_strict(run, seeded, tmp_path, line, why):
    f = tmp_path / "strict.xml"
    f.write_text(f'<?xml version="1.0"?>\n<orders>\n<order number="OK" date="2025-10-06"><item sku="17612" quantity="1"/></order>\n{line}\n</orders>\n',
                 encoding="utf-8")
    r = run("ora-import-xml", str(f), "--json", ora=seeded)
    assert r.returncode == 1, r.stdout + r.stderr
    refused = json.loads(r.stdout)["refusedFiles"][0]
    assert why in refused["error"] and refused["line"] in (4, 5), refused
    assert statuses(seeded.address) == {}  # refused whole: not even the good order


def test_exit_statuses_for_cron(run, seeded, shipstation, tmp_path):
    # A bad --ora address is configuration: 2, with the reason, no traceback.
    for address in ("localhost", "127.0.0.1:port", "unix"):
        r = run("ora-cleanup", "--ora", address, creds=False)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (address, r.stderr)
    # ShipStation refusing the credentials: 2.
    r = run("ora-daily-shipments", ora=seeded, env={"SHIPSTATION_API_SECRET": "wrong"})
    assert r.returncode == 2 and "SHIPSTATION_API_SECRET" in r.stderr
    # Plain http:// anywhere but loopback: 2, and nothing is sent.
    r = run("ora-daily-shipments", ora=seeded, env={"SHIPSTATION_URL": "http://192.0.2.1:9"})
    assert r.returncode == 2 and "https://" in r.stderr
    # ORA unreachable: 3.
    assert run("ora-cleanup", "--ora", "127.0.0.1:1", creds=False).returncode == 3
    # A busy lock: 0, said in JSON under --json.
    from ora_client.workflows import lock as common
    os.environ["ORA_LOCK_DIR"] = str(tmp_path)
    try:
        with open(common.lock_path("ora-cleanup", None), "w") as held:   # the default address...
            import fcntl
            fcntl.flock(held, fcntl.LOCK_EX)
            r = run("ora-cleanup", "--ora", "127.0.0.1:7420", "--json", creds=False)  # ...spelt out: the same lock
        assert r.returncode == 0 and json.loads(r.stdout)["skipped"] is True
        assert common.lock_path("x", "localhost:7420") == common.lock_path("x", None) == common.lock_path("x", "127.1:7420")
    finally:
        del os.environ["ORA_LOCK_DIR"]


def test_a_token_ora_refuses_is_configuration(tmp_path, shipstation):
    token = tmp_path / "token"
    token.write_text("a-token-of-sixteen-bytes-or-more\n")
    token.chmod(0o600)
    server = Server(str(tmp_path / "ora.db"), args=["--token-file", str(token)])
    server.start()
    try:
        wrong = tmp_path / "wrong"
        wrong.write_text("not-the-token-at-all-no\n")
        argv, env = command_line(tmp_path, shipstation, "ora-cleanup", "--ora-token-file", str(wrong), ora=server, creds=False)
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and "refused the token" in r.stderr, r.stderr
        argv, env = command_line(tmp_path, shipstation, "ora-cleanup", "--ora-token-file", str(token), ora=server, creds=False)
        assert subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60).returncode == 0
    finally:
        server.stop(signal.SIGKILL)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to act as a second user")
def test_the_lock_folder_serves_every_user(tmp_path, seeded, shipstation):
    """Without $ORA_LOCK_DIR, root's lock file is one `nobody` can take too: the second copy is
    told the first is running, never a traceback."""
    from ora_client.workflows import lock as common
    folder = common.lock_dir()
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o1777
    argv, env = command_line(tmp_path, shipstation, "ora-cleanup", ora=seeded, creds=False)
    del env["ORA_LOCK_DIR"]
    assert subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60).returncode == 0  # root makes the file
    path = common.lock_path("ora-cleanup", seeded.address)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666
    # The lock as another user takes it (the lock module needs nothing but the standard library,
    # so it runs even where that user cannot read root's site-packages).
    take = ("import sys; from ora_client.workflows.lock import Lock; lock = Lock('ora-cleanup', sys.argv[1]); "
            "print('taken' if lock.acquire() else 'busy')")
    as_nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", argv[0], "-c", take, seeded.address]
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    with open(path) as held:
        import fcntl
        fcntl.flock(held, fcntl.LOCK_EX)
        r = subprocess.run(as_nobody, env=env, capture_output=True, text=True, timeout=60, cwd="/")
        assert r.returncode == 0 and r.stdout.strip() == "busy", r.stdout + r.stderr
    r = subprocess.run(as_nobody, env=env, capture_output=True, text=True, timeout=60, cwd="/")
    assert r.returncode == 0 and r.stdout.strip() == "taken", r.stdout + r.stderr


def test_a_cancel_shipstation_refuses_is_reported_and_done_on_the_next_run(run, seeded, shipstation):
    """The re-send as cancelled is refused (in its result, then as a whole batch): the order's
    fate says so (exit 1), the other order is uploaded, and the next run, finding the order open
    in ShipStation and cancelled in ORA, cancels it there."""
    pending(seeded.address, [("RC", [("18795", 1)]), ("OTHER", [("18795", 1)])])

    def cancel_rc_and_refuse_it():
        if not getattr(cancel_rc_and_refuse_it, "done", False):
            cancel_rc_and_refuse_it.done = True
            with Client(seeded.address) as ora:
                ora.cancel_order("RC")
            shipstation.poison = {"RC"}   # ShipStation now refuses any request naming RC

    shipstation.on_create = cancel_rc_and_refuse_it
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 1, r.stdout + r.stderr
    fates = {x["orderNumber"]: x["fate"] for x in json.loads(r.stdout)["orders"]}
    assert fates == {"RC": "cancel_refused_by_shipstation", "OTHER": "uploaded"}
    assert shipstation.orders["RC"]["orderStatus"] == "awaiting_shipment"
    shipstation.on_create, shipstation.poison = None, set()
    again = run("ora-upload-orders", "--json", ora=seeded)
    assert json.loads(again.stdout)["cancelled"][0]["orderNumber"] == "RC"
    assert shipstation.orders["RC"]["orderStatus"] == "cancelled"
    third = run("ora-upload-orders", "--json", ora=seeded)
    assert third.returncode == 0 and json.loads(third.stdout)["orders"] == []


def test_killed_after_a_cancel_the_next_run_cancels_in_shipstation(tmp_path, seeded, shipstation):
    pending(seeded.address, [("KC", [("18795", 1)])])
    argv, env = command_line(tmp_path, shipstation, "ora-upload-orders", ora=seeded)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def cancel_then_die():
        with Client(seeded.address) as ora:
            ora.cancel_order("KC")
        os.kill(process.pid, signal.SIGKILL)

    shipstation.on_create = cancel_then_die
    process.wait(60)
    shipstation.on_create = None
    assert shipstation.orders["KC"]["orderStatus"] == "awaiting_shipment"
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert "1 cancelled" in r.stdout and shipstation.orders["KC"]["orderStatus"] == "cancelled"


def test_ora_restarting_mid_run_is_waited_for(run, seeded, shipstation, tmp_path):
    """ORA stops right after the first batch and is back half a second later: the run waits for
    it (about 8 s at most) and uploads every order."""
    import threading
    import time
    pending(seeded.address, [(f"R{i:03d}", [("18795", 1)]) for i in range(150)])
    port = seeded.port
    seeded.listen = f"127.0.0.1:{port}"   # come back on the same port

    def restart_once():
        if not getattr(restart_once, "done", False):
            restart_once.done = True
            seeded.stop(signal.SIGKILL)

            def back():
                time.sleep(0.5)
                seeded.start()
            threading.Thread(target=back).start()

    shipstation.on_create = restart_once
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(json.loads(r.stdout)["uploaded"]) == 150
    assert set(statuses(seeded.address).values()) == {"uploaded"}


@pytest.mark.parametrize("address", ["127.0.0.1:99999", "http://127.0.0.1:7420", "unix:", "127.0.0.1:0"])
def test_a_bad_ora_address_is_configuration(run, address):
    r = run("ora-cleanup", "--ora", address, creds=False)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr


def test_a_bad_shipstation_port_is_configuration(run, seeded):
    r = run("ora-daily-shipments", ora=seeded, env={"SHIPSTATION_URL": "https://127.0.0.1:99999"})
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr


@pytest.mark.parametrize("date", [" 2025-10-06", "\t2025-10-06", "2025-10-06&#10;"])
def test_an_import_date_with_spaces_is_refused(run, seeded, tmp_path, date):
    f = tmp_path / "spaces.xml"
    f.write_text(f'<orders>\n<order number="S1" date="{date}"><item sku="17612" quantity="1"/></order>\n</orders>\n')
    r = run("ora-import-xml", str(f), ora=seeded)
    assert r.returncode == 1 and statuses(seeded.address) == {}


def test_orders_shipstation_held_before_the_import(run, seeded, shipstation):
    """An order ShipStation has held open for weeks is adopted (a hold stays); one it shipped
    cannot be changed there (ShipStation refuses to update shipped orders): it stays pending and
    a person is told."""
    shipstation.add_order("PRE-HOLD", "on_hold", [{"sku": "18795", "quantity": 1}], "2025-09-01", order_date="2025-09-01")
    shipstation.add_order("PRE-SHIP", "shipped", [{"sku": "18795", "quantity": 1}], "2025-09-01", order_date="2025-09-01")
    pending(seeded.address, [("PRE-HOLD", [("18795", 1)]), ("PRE-SHIP", [("18795", 1)])])
    r = run("ora-upload-orders", "--json", ora=seeded)
    assert r.returncode == 1
    fates = {x["orderNumber"]: x["fate"] for x in json.loads(r.stdout)["orders"]}
    assert fates == {"PRE-HOLD": "already_in_shipstation", "PRE-SHIP": "refused_by_shipstation"}
    assert shipstation.orders["PRE-HOLD"]["orderStatus"] == "on_hold" and shipstation.orders["PRE-SHIP"]["orderStatus"] == "shipped"
    assert statuses(seeded.address) == {"PRE-HOLD": "uploaded", "PRE-SHIP": "pending"}
