"""deploy/systemd: every unit passes `systemd-analyze verify` (with its ExecStart pointed at the
binaries this checkout built and installed), and every command of the README's crontab has a
.service and a .timer."""

import os
import re
import shutil
import subprocess
import sysconfig

import pytest

from conftest import REPO, server_binary

UNITS = os.path.join(REPO, "deploy", "systemd")
needs_systemd = pytest.mark.skipif(not shutil.which("systemd-analyze") and not os.environ.get("ORA_REQUIRE_TOOLS"),
                                   reason="systemd-analyze is not installed (Debian's systemd package)")


@needs_systemd
def test_every_unit_verifies(tmp_path):
    scripts = sysconfig.get_path("scripts")
    for name in os.listdir(UNITS):
        text = open(os.path.join(UNITS, name)).read()
        text = text.replace("/usr/local/bin/ora-server", server_binary()).replace("/usr/local/bin/", scripts + "/")
        (tmp_path / name).write_text(text)
    units = sorted(str(p) for p in tmp_path.iterdir())
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr.strip() == "", r.stderr


def test_the_crontab_has_a_timer_for_each_command():
    with open(os.path.join(REPO, "README.md")) as f:
        crontab = re.search(r"```cron\n(.*?)```", f.read(), re.S).group(1)
    commands = set(re.findall(r"\b(ora-[a-z-]+)\b", crontab))
    assert len(commands) == 10
    for command in commands:
        service = open(os.path.join(UNITS, f"{command}.service")).read()
        timer = open(os.path.join(UNITS, f"{command}.timer")).read()
        assert f"/usr/local/bin/{command}" in service and "Type=oneshot" in service
        assert re.search(r"^OnCalendar=", timer, re.M) and "Persistent=true" in timer
    server = open(os.path.join(UNITS, "ora-server.service")).read()
    for line in ["Type=notify", "Restart=on-failure", "WatchdogSec=", "NoNewPrivileges=yes", "ProtectSystem=strict",
                 "ReadWritePaths=/var/lib/ora", "PrivateTmp=yes", "User=ora"]:
        assert line in server, line
