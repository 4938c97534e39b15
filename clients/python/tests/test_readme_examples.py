"""The README's examples run as written, against a spawned server, so the README cannot drift:
every `ora-client` line of its shell examples (in the README's order, optional `[...]` parts
left out, each must exit 0), the raw socket exchange when socat is installed, and every Python
example (its `# output` comments must be what it prints)."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, server_binary

with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
    README = f.read()
BLOCKS = re.findall(r"^```(sh|python)\n(.*?)^```", README, re.M | re.S)


def client_lines():
    """Every shell line that runs ora-client, in order, as the README spells it."""
    lines = []
    for kind, body in BLOCKS:
        if kind != "sh":
            continue
        for line in body.splitlines():
            if line.startswith("ora-client "):
                lines.append(re.sub(r"\s*\[[^\]]*\]", "", line))
    return lines


@pytest.fixture
def workdir(tmp_path, server):
    """A folder with `ora-client` on PATH pointed at the spawned server, and the orders file the
    README imports."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(os.path.join(os.path.dirname(server_binary()), "ora-client"), bin_dir / "ora-client")
    (tmp_path / "orders.json").write_text('[{"orderNumber": "300002", "orderDate": "2025-10-06", "items": [{"sku": "17612", "quantity": 2}]}]')
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", ORA_ADDRESS=server.address)
    return tmp_path, env


def test_every_ora_client_line_runs(workdir):
    cwd, env = workdir
    lines = client_lines()
    assert len(lines) >= 30
    for line in lines:
        r = subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"{line}\n{r.stdout}\n{r.stderr}"
    assert (cwd / "weekly.html").read_text().startswith("<!doctype html>")
    assert "300001" not in (cwd / "october.csv").read_text() and "100231" in (cwd / "october.csv").read_text()


@pytest.mark.skipif(not shutil.which("socat") and not os.environ.get("ORA_REQUIRE_TOOLS"), reason="socat is not installed")
def test_the_raw_socket_example(server):
    block = next(body for kind, body in BLOCKS if "socat" in body)
    command, expected = block.strip().splitlines()
    command = command.removeprefix("$ ").replace("127.0.0.1:7420", server.address)
    out = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30).stdout.strip()
    assert out == expected


def test_every_python_example_runs(tmp_path, seeded):
    for n, (kind, body) in enumerate(BLOCKS):
        if kind != "python":
            continue
        script = tmp_path / f"example{n}.py"
        script.write_text(body.replace("127.0.0.1:7420", seeded.address))
        r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, body + r.stderr
        for expected in re.findall(r"^\s*print\(.*\)\s*#\s*(.+)$", body, re.M):
            assert expected.strip() in r.stdout, (expected, r.stdout)
