"""The example script left beside the workflow commands (the nightly health check), run as a person would."""

import os
import subprocess
import sys

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")


def run(script, *args, stdin=None):
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_every_example_has_help():
    for script in ["health_check.py"]:
        r = run(script, "--help")
        assert r.returncode == 0 and "usage:" in r.stdout


def test_health_check_exit_status(seeded):
    ok = run("health_check.py", "--address", seeded.address)
    assert ok.returncode == 0 and "healthy" in ok.stdout
    seeded.stop()
    import sqlite3
    db = sqlite3.connect(seeded.database)
    db.execute("DROP INDEX shipped_orders_ship_date")
    db.commit()
    db.close()
    seeded.start()
    bad = run("health_check.py", "--full", "--address", seeded.address)
    assert bad.returncode == 1 and "FAIL  indexes" in bad.stdout
