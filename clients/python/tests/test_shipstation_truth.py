"""ORA and ShipStation agree to the unit whatever ShipStation does (WORKFLOWS.md, "ShipStation as
it really behaves"): orders shipped in boxes over several days, labels voided after ORA recorded
them, orders cancelled or marked shipped by hand while cron was down, on-hold orders, pages that
shift while they are read, the rate limit, and days of thousands of shipments. Each case runs the
installed commands against the spawned server and the fake ShipStation, then runs them again to
show a re-run changes nothing."""

import copy
import json
import signal
import sqlite3

from conftest import SAMPLE, day
from ora_client import Client


def units(address, number):
    """(ship date, units) ORA holds for an order; (None, 0) when it holds none."""
    with Client(address) as ora:
        r = ora.shipped_items(order_number=number)
    dates = {i["shipDate"] for i in r["items"]}
    assert len(dates) <= 1, dates
    return (dates.pop() if dates else None, r["totalUnits"])


def inbox(address, number):
    with Client(address) as ora:
        return ora.list_orders(order_number=number)["orders"][0]


def allocated(address, sku="17612"):
    with Client(address) as ora:
        return next(s["allocatedUnits"] for s in ora.inbox_summary()["skus"] if s["skuCode"] == sku)


def uploaded_order(address, fake, number, items, order_date=None):
    """An order imported into ORA, allocated, and sent to ShipStation (as ora-upload-orders does)."""
    with Client(address) as ora:
        ora.import_order(number, order_date or day(-10), [{"sku": s, "quantity": q} for s, q in items])
        lines = ora.allocate_order(number)["items"]
        order = fake.add_order(number, "awaiting_shipment", [{"sku": i["sku"], "quantity": i["quantity"]} for i in lines], day(-10))
        ora.mark_uploaded(number, order["orderId"])
    return order


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout) if result.stdout.startswith("{") else result.stdout


def test_backorder_over_two_days_in_every_order_of_runs(run, seeded, shipstation):
    """2 units on D1, 3 on D2: whatever runs, in whatever order, ORA ends with 5 units on D2."""
    d1, d2 = day(-2), day(-1)
    sequences = {
        "SEQ-A": [("daily", d1), "box2", ("daily", d2), ("daily", d1), ("daily", d1), ("reconcile", d1), ("reconcile", d2), ("daily", d2)],
        "SEQ-B": ["box2", ("daily", d2), ("daily", d1), ("daily", d1), ("reconcile", d1), ("reconcile", d2), ("daily", d1)],
        "SEQ-C": ["box2", ("reconcile", d1), ("reconcile", d2), ("daily", d1), ("reconcile", d1), ("daily", d2)],
        "SEQ-D": [("daily", d1), ("reconcile", d1), "box2", ("reconcile", d1), ("reconcile", d2), ("reconcile", d1), ("daily", d1)],
    }
    for number, steps in sequences.items():
        shipstation.add_order(number, "awaiting_shipment", [{"sku": "17612 - 250300", "quantity": 5}], d1)
        shipstation.ship(number, d1, [("17612 - 250300", 2)])
        for step in steps:
            if step == "box2":
                shipstation.ship(number, d2, [("17612-250300", 3)])
                continue
            kind, date = step
            if kind == "daily":
                ok(run("ora-daily-shipments", "--date", date, ora=seeded))
            else:
                report = ok(run("ora-reconcile", "--date", date, "--apply", "--json", ora=seeded))
                assert report["manualIntervention"] == []
        assert units(seeded.address, number) == (d2, 5), number
        # Once both boxes are recorded, nothing any run does changes the order.
        for date in (d1, d2):
            again = ok(run("ora-reconcile", "--date", date, "--json", ora=seeded))
            assert not (again["missing"] or again["dateFixed"] or again["quantityFixed"] or again["removed"]), (number, date, again)
            assert ok(run("ora-daily-shipments", "--date", date, "--json", ora=seeded))["counts"]["updated"] == 0
    with Client(seeded.address) as ora:
        assert ora.shipped_items(date=d1)["totalUnits"] == 0
        assert [c for c in ora.validate()["checks"] if c["status"] == "error"] == []


def test_label_voided_after_the_daily_run(run, seeded, shipstation):
    """The next daily run of that date takes the order back; its inbox order is uploaded again,
    its lots allocated again; a re-run changes nothing."""
    uploaded_order(seeded.address, shipstation, "V1", [("17612", 4)])
    label = shipstation.ship("V1", day(-1), [("17612 - 250300", 4)])
    shipstation.add_order("HAND-V", "shipped", [], day(-1))
    hand = shipstation.ship("HAND-V", day(-1), [("17904", 2)])
    first = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert first["counts"]["created"] == 2
    assert inbox(seeded.address, "V1")["orderStatus"] == "shipped" and allocated(seeded.address) == 0

    shipstation.void(label, day())
    shipstation.void(hand, day())
    assert shipstation.orders["V1"]["orderStatus"] == "awaiting_shipment"
    second = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert sorted(second["removed"]) == ["HAND-V", "V1"] and second["counts"]["removed"] == 2
    assert units(seeded.address, "V1") == (None, 0) and units(seeded.address, "HAND-V") == (None, 0)
    order = inbox(seeded.address, "V1")
    assert order["orderStatus"] == "uploaded" and order["items"][0]["lotNumber"] == "250300"
    assert allocated(seeded.address) == 4
    with Client(seeded.address) as ora:
        removal = [e for e in ora.order_history("V1") if e["action"] == "removed"]
        assert removal[0]["source"] == "daily_processor" and "voided" in removal[0]["reason"]

    third = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert third["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "removed": 0}
    # Agreeing now, ora-units-refresh sees the order waiting in both.
    assert "all agree" in ok(run("ora-units-refresh", ora=seeded))
    # A new label later: shipped again, on the new date.
    shipstation.ship("V1", day(), [("17612 - 250300", 4)])
    ok(run("ora-daily-shipments", ora=seeded))
    assert units(seeded.address, "V1") == (day(), 4) and inbox(seeded.address, "V1")["orderStatus"] == "shipped"


def test_voided_after_recording_found_by_reconcile(run, seeded, shipstation):
    shipstation.add_order("RV", "shipped", [], day(-1))
    label = shipstation.ship("RV", day(-1), [("18795", 2)])
    ok(run("ora-daily-shipments", "--date", day(-1), ora=seeded))
    shipstation.void(label, day())
    dry = run("ora-reconcile", "--date", day(-1), "--json", ora=seeded)
    assert dry.returncode == 1 and json.loads(dry.stdout)["removed"][0]["reason"] == "voided in ShipStation"
    ok(run("ora-reconcile", "--date", day(-1), "--apply", ora=seeded))
    assert units(seeded.address, "RV") == (None, 0)
    again = ok(run("ora-reconcile", "--date", day(-1), "--json", ora=seeded))
    assert again["removed"] == [] and again["databaseAfter"] == {"orders": 0, "units": 0}


def test_second_box_voided_keeps_the_first(run, seeded, shipstation):
    d1, d2 = day(-3), day(-1)
    shipstation.add_order("TB", "awaiting_shipment", [], d1)
    shipstation.ship("TB", d1, [("17612 - 250300", 2)])
    second = shipstation.ship("TB", d2, [("17612 - 250300", 3)])
    ok(run("ora-daily-shipments", "--date", d1, ora=seeded))
    ok(run("ora-daily-shipments", "--date", d2, ora=seeded))
    assert units(seeded.address, "TB") == (d2, 5)
    shipstation.void(second, day())
    assert shipstation.orders["TB"]["orderStatus"] == "shipped"  # the first box still stands
    moved = ok(run("ora-daily-shipments", "--date", d2, "--json", ora=seeded))
    assert moved["recorded"] == [{"orderNumber": "TB", "shipDate": d1}] and moved["counts"]["updated"] == 1
    assert units(seeded.address, "TB") == (d1, 2)
    for date in (d1, d2):
        assert ok(run("ora-daily-shipments", "--date", date, "--json", ora=seeded))["counts"]["updated"] == 0
        report = ok(run("ora-reconcile", "--date", date, "--json", ora=seeded))
        assert not (report["missing"] or report["dateFixed"] or report["quantityFixed"] or report["removed"])
    assert units(seeded.address, "TB") == (d1, 2)


def backdate_uploads(server, days):
    """cron was down: the server is stopped and its uploads made `days` old (the server stamps
    events with the real clock), then it starts again on the same file."""
    server.stop(signal.SIGTERM)
    db = sqlite3.connect(server.database)
    with db:
        db.execute("UPDATE inbox_events SET at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) WHERE action = 'uploaded'", (f"-{days} days",))
    db.close()
    server.start()


def test_status_sync_after_cron_was_down_a_week(run, seeded, shipstation):
    """An order cancelled and one marked shipped by hand (no label) five days ago, with --days 3:
    both are seen, because the window starts at the oldest upload; both release their lots."""
    uploaded_order(seeded.address, shipstation, "CX", [("17612", 20)])
    uploaded_order(seeded.address, shipstation, "HS", [("17612", 27)])
    uploaded_order(seeded.address, shipstation, "BX", [("17612", 3)])
    uploaded_order(seeded.address, shipstation, "STILL", [("17612", 1)])
    backdate_uploads(seeded, 7)
    assert allocated(seeded.address) == 51
    shipstation.set_status("CX", "cancelled", day(-5))
    shipstation.set_status("HS", "shipped", day(-5), ship_date=day(-5))
    shipstation.ship("BX", day(-2), [("17612 - 250300", 1)])
    shipstation.ship("BX", day(-1), [("17612 - 250300", 2)])
    shipstation.set_status("STILL", "on_hold", day(-1))

    before = len(shipstation.requests)
    r = ok(run("ora-status-sync", "--json", ora=seeded))
    assert r["cancelled"] == ["CX"] and sorted(r["shipped"]) == ["BX", "HS"] and r["external"] == ["HS"]
    assert r["since"] <= day(-7) and r["problems"] == []
    assert len(shipstation.requests) - before <= 4  # two order lists, one window of shipments; no request per order
    assert inbox(seeded.address, "CX")["orderStatus"] == "cancelled"
    assert inbox(seeded.address, "HS")["orderStatus"] == "shipped"
    assert units(seeded.address, "HS") == (day(-5), 27) and units(seeded.address, "BX") == (day(-1), 3)
    with Client(seeded.address) as ora:
        assert ora.order_history("HS")[-1]["action"] in ("created", "shipped")
        assert ora.reconcile_date(day(-5), [], apply=False)["keptExternal"][0]["orderNumber"] == "HS"
    assert allocated(seeded.address) == 1  # only STILL, on hold, keeps its lot
    assert "all agree" in ok(run("ora-units-refresh", ora=seeded))  # on hold is still uploaded

    again = ok(run("ora-status-sync", "--json", ora=seeded))
    assert again["uploaded"] == 1 and again["shipped"] == [] and again["cancelled"] == []
    # The daily run of the label's day and a reconcile leave the hand-shipped order alone.
    ok(run("ora-daily-shipments", "--date", day(-5), ora=seeded))
    ok(run("ora-reconcile", "--date", day(-5), "--apply", ora=seeded))
    assert units(seeded.address, "HS") == (day(-5), 27)


def test_units_refresh_counts_orders_on_hold(run, seeded, shipstation):
    uploaded_order(seeded.address, shipstation, "H1", [("17612", 3)])
    uploaded_order(seeded.address, shipstation, "H2", [("17612", 4)])
    shipstation.set_status("H2", "on_hold", day())
    r = ok(run("ora-units-refresh", "--json", ora=seeded))
    assert r["differences"] == [] and r["skus"] == [{"skuCode": "17612", "shipstation": 7, "ora": 7, "difference": 0}]


def full_shape(number, date, items, sid):
    """A shipment in every member ShipStation sends (about 1.9 KB), from the shared sample."""
    with open(SAMPLE) as f:
        s = copy.deepcopy(json.load(f)["shipments"][0])
    s.update(shipmentId=sid, orderId=sid, orderNumber=number, orderKey=f"key-{number}", shipDate=date, voided=False,
             createDate=f"{date}T09:{sid // 60 % 60:02d}:{sid % 60:02d}.0000000")
    template = s["shipmentItems"][0]
    s["shipmentItems"] = [dict(template, sku=sku, quantity=q) for sku, q in items]
    return s


def test_reconcile_a_day_of_3000_shipments(run, seeded, shipstation):
    shipstation.page_size = 500
    shipstation.shipments = [full_shape(f"BIG{i:05d}", day(-1), [("17612 - 250300", 1), ("18795", 1 + i % 3)], 9_000_000 + i) for i in range(3000)]
    assert len(json.dumps(shipstation.shipments)) > 1024 * 1024 * 3  # the raw objects would not fit one request line
    report = ok(run("ora-reconcile", "--date", day(-1), "--apply", "--json", ora=seeded))
    assert report["shipstation"]["orders"] == 3000 and len(report["missing"]) == 6000
    with Client(seeded.address) as ora:
        assert ora.shipped_items(date=day(-1))["totalUnits"] == 3000 + sum(1 + i % 3 for i in range(3000))
    again = ok(run("ora-reconcile", "--date", day(-1), "--json", ora=seeded))
    assert again["missing"] == [] and again["databaseAfter"] == report["databaseAfter"]
    assert shipstation.count("GET", "/shipments") <= 2 * 7  # two runs, each 6 pages of 500 and a last one


def test_daily_run_of_500_orders_makes_a_handful_of_requests(run, seeded, shipstation):
    shipstation.page_size = 500
    for i in range(500):
        shipstation.ship(f"D{i:04d}", day(-1), [("17612 - 250300", 1)])
    for i in range(300):  # earlier days of the window, some of them first boxes of the day's orders
        shipstation.ship(f"D{i * 2:04d}" if i < 50 else f"E{i:04d}", day(-1 - (i % 29) - 1), [("18795", 1)])
    r = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert r["counts"]["created"] == 500 and r["lookups"] == 0
    assert r["shipstationRequests"] == shipstation.count("GET", "/shipments") == 2  # 800 shipments, pages of 500
    assert units(seeded.address, "D0002") == (day(-1), 2) and units(seeded.address, "D0001") == (day(-1), 1)
    again = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert again["counts"]["unchanged"] == 500


def test_pages_that_shift_while_read_count_each_shipment_once(run, seeded, shipstation):
    """A label made between two page reads pushes an item of page 1 onto page 2: counted once.
    Without sortBy the fake answers in any order; the commands always ask for a stable one."""
    for i in range(6):
        shipstation.ship(f"P{i}", day(-1), [("17612 - 250300", 1)])
    shipstation.ship("P0", day(-1), [("17612 - 250300", 2)])   # P0's second box
    shifted = []

    def new_label_between_pages(path, query):
        if path == "/shipments" and query.get("page") == "1" and not shifted:
            sid = shipstation.ship("P9", day(-1), [("18795", 1)])
            # created before the others: it lands on page 1, pushing one item onto page 2
            next(s for s in shipstation.shipments if s["shipmentId"] == sid)["createDate"] = day(-1) + "T00:00:00.0000000"
            shifted.append(sid)

    shipstation.between_pages = new_label_between_pages
    r = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert shifted and r["counts"]["created"] == 6
    assert units(seeded.address, "P0") == (day(-1), 3)
    assert all(units(seeded.address, f"P{i}") == (day(-1), 1) for i in range(1, 6))
    ids = [q.get("sortBy") for m, p, q in shipstation.requests if p == "/shipments"]
    assert set(ids) == {"CreateDate"}
    # The label made during the read is there for the next run, which records it and nothing else.
    r2 = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert r2["counts"]["created"] == 1 and r2["counts"]["unchanged"] == 6


def test_rate_limit_headers_are_obeyed(run, seeded, shipstation):
    """3 requests a 2-second window, pages of 2: the command waits when Remaining reaches 0 and
    never gets a 429."""
    shipstation.limit, shipstation.window = 3, 2.0
    for i in range(9):
        shipstation.ship(f"RL{i}", day(-1), [("18795", 1)])
    r = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert r["counts"]["created"] == 9 and r["rateLimitWaitSeconds"] > 0
    assert r["shipstationRequests"] == 5


def test_manual_sync_sums_boxes_and_takes_back_voided(run, seeded, shipstation):
    shipstation.ship("MAN1", day(-1), [("17904", 1)])
    shipstation.ship("MAN1", day(), [("17904", 2)])
    gone = shipstation.ship("MAN2", day(), [("17904", 5)])
    r = ok(run("ora-manual-sync", "--json", ora=seeded))
    assert r["manual"] == ["MAN1", "MAN2"] and r["counts"]["created"] == 2
    assert units(seeded.address, "MAN1") == (day(), 3)
    shipstation.void(gone, day())
    r2 = ok(run("ora-manual-sync", "--json", ora=seeded))
    assert r2["removed"] == ["MAN2"] and units(seeded.address, "MAN2") == (None, 0)
    assert ok(run("ora-manual-sync", "--json", ora=seeded))["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "removed": 0}


def test_a_box_before_the_window_is_never_lost(run, seeded, shipstation):
    """Box 1 on D-35 (before the 30-day window), box 2 on D-1: the order ends on D-1 with both;
    box 2 voided, the run of D-1 reads the order by its number and keeps box 1, on its date."""
    uploaded_order(seeded.address, shipstation, "OLDBOX", [("17612", 5)], order_date=day(-40))
    shipstation.ship("OLDBOX", day(-35), [("17612 - 250300", 2)])
    ok(run("ora-daily-shipments", "--date", day(-35), ora=seeded))
    assert units(seeded.address, "OLDBOX") == (day(-35), 2)
    second = shipstation.ship("OLDBOX", day(-1), [("17612 - 250300", 3)])
    r = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    assert r["lookups"] == 1 and units(seeded.address, "OLDBOX") == (day(-1), 5)
    again = ok(run("ora-daily-shipments", "--date", day(-1), "--json", ora=seeded))
    # ORA holds more than the window shows: the order is read by its number again, and nothing changes.
    assert again["lookups"] == 1 and again["counts"]["unchanged"] == 1

    shipstation.void(second, day())
    for command in (["ora-daily-shipments", "--date", day(-1)], ["ora-reconcile", "--date", day(-1), "--apply"]):
        r = ok(run(*command, "--json", ora=seeded))
        assert units(seeded.address, "OLDBOX") == (day(-35), 2), command
    assert inbox(seeded.address, "OLDBOX")["orderStatus"] == "shipped"


def test_a_label_voided_and_made_again_on_a_later_day(run, seeded, shipstation):
    """Voided on D-2, labelled again on D-1: running D-2 (before D-1 ran) records the order on D-1,
    never takes it back."""
    uploaded_order(seeded.address, shipstation, "RELABEL", [("17612", 4)])
    first = shipstation.ship("RELABEL", day(-2), [("17612 - 250300", 4)])
    ok(run("ora-daily-shipments", "--date", day(-2), ora=seeded))
    shipstation.void(first, day(-1))
    shipstation.ship("RELABEL", day(-1), [("17612 - 250300", 4)])
    for command in (["ora-daily-shipments", "--date", day(-2)], ["ora-reconcile", "--date", day(-2), "--apply"],
                    ["ora-daily-shipments", "--date", day(-1)], ["ora-reconcile", "--date", day(-1), "--apply"]):
        ok(run(*command, ora=seeded))
        assert units(seeded.address, "RELABEL") == (day(-1), 4), command
        assert inbox(seeded.address, "RELABEL")["orderStatus"] == "shipped" and allocated(seeded.address) == 0


def test_status_sync_reads_every_box_and_treats_voided_labels_as_none(run, seeded, shipstation):
    uploaded_order(seeded.address, shipstation, "TWOBOX", [("17612", 5)], order_date=day(-40))
    uploaded_order(seeded.address, shipstation, "VOIDHAND", [("17612", 3)])
    backdate_uploads(seeded, 40)
    shipstation.ship("TWOBOX", day(-35), [("17612 - 250300", 2)])
    shipstation.ship("TWOBOX", day(-2), [("17612 - 250300", 3)])
    label = shipstation.ship("VOIDHAND", day(-2), [("17612 - 250300", 3)])
    shipstation.void(label, day(-1))
    shipstation.set_status("VOIDHAND", "shipped", day(-1), ship_date=day(-1))   # then marked shipped by hand
    r = ok(run("ora-status-sync", "--json", ora=seeded))
    assert sorted(r["shipped"]) == ["TWOBOX", "VOIDHAND"] and r["external"] == ["VOIDHAND"] and r["problems"] == []
    assert units(seeded.address, "TWOBOX") == (day(-2), 5)
    assert units(seeded.address, "VOIDHAND") == (day(-1), 3)


def test_reconcile_asks_nothing_per_order_shipstation_never_had(run, seeded, shipstation):
    """ORA holds 20 orders ShipStation never had and 20 shipped outside it on the day: removed and
    kept, from the one window read."""
    shipstation.page_size = 500
    for i in range(5):
        shipstation.ship(f"REAL{i}", day(-1), [("18795", 1)])
    with Client(seeded.address) as ora:
        for i in range(20):
            ora.record_shipment(f"GHOST{i}", day(-1), [{"sku": "18795", "quantity": 1}])
            ora.record_shipment(f"EXT{i}", day(-1), [{"sku": "18795", "quantity": 1}], external=True)
    before = len(shipstation.requests)
    report = ok(run("ora-reconcile", "--date", day(-1), "--apply", "--json", ora=seeded))
    assert len(report["removed"]) == 20 and len(report["keptExternal"]) == 20 and len(report["missing"]) == 5
    assert len(shipstation.requests) - before == 1
