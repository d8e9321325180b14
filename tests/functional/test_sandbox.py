"""The sandbox itself: isolated from the host, complete, and gone after."""

import os
import subprocess
from pathlib import Path

import pytest

from sandbox import Sandbox, SandboxError


def test_network_is_private(sandbox):
    inside = sandbox.run(["readlink", "/proc/self/ns/net"], check=True).stdout
    assert inside.strip() != os.readlink("/proc/self/ns/net")
    names = {l["ifname"] for l in sandbox.links()}
    assert names == {"lo", "br0", "br0-port", "br0-host"}
    host_names = os.listdir("/sys/class/net")
    assert "br0-host" not in host_names


def test_layout(sandbox):
    assert sandbox.link("br0")["linkinfo"]["info_kind"] == "bridge"
    assert sandbox.link("br0-port")["master"] == "br0"
    addrs = sandbox.run(["ip", "-4", "-br", "addr", "show", "br0-host"],
                        check=True).stdout
    assert "10.0.2.1/24" in addrs
    # dnsmasq answers on the host address: UDP 67 is bound inside only.
    sockets = sandbox.run(["ss", "-lun"], check=True).stdout
    assert "10.0.2.1%br0-host:67" in sockets or "0.0.0.0%br0-host:67" in sockets \
        or ":67" in sockets


def test_acl_is_private_to_the_sandbox(sandbox, build_facts):
    path = build_facts["bridge_conf"]
    inside = sandbox.run(["cat", path], check=True).stdout
    assert inside == "allow br0\n"
    sandbox.set_acl("deny all\n")
    assert sandbox.run(["cat", path], check=True).stdout == "deny all\n"
    if os.path.exists(path):
        assert Path(path).read_text() != "deny all\n"


def test_everything_goes_away(tmp_path, build_facts):
    box = Sandbox(tmp_path / "box", acl_path=build_facts["bridge_conf"]).start()
    init_pid = box.init_pid
    sleeper = box.popen(["sleep", "600"])
    orphan = box.run(["sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!"],
                     check=True)
    net_ns = box.run(["readlink", "/proc/self/ns/net"], check=True).stdout.strip()
    box.close()
    assert sleeper.poll() is not None
    assert not Path(f"/proc/{init_pid}").exists()
    # No process is left in the sandbox's network namespace.
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            assert os.readlink(f"/proc/{pid}/ns/net") != net_ns, \
                f"process {pid} left in the sandbox"
        except (FileNotFoundError, PermissionError):
            pass
    assert not running(int(orphan.stdout))


def running(pid):
    """True if PID exists and is not a zombie waiting for its reaper."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_second_bridge_and_validation(make_sandbox):
    box = make_sandbox(bridges={"br0": "10.0.2.1/24", "qemubr0": "10.0.3.1/24"})
    assert box.link("qemubr0-port")["master"] == "qemubr0"
    log = (box.workdir / "dnsmasq.log").read_text()
    assert "10.0.3.15 -- 10.0.3.99" in log
    with pytest.raises(SandboxError, match="use 1 to 10 bytes"):
        make_sandbox(bridges={"averylongbr0": "10.0.4.1/24"})


def test_cli_runs_a_command(build_dir):
    script = Path(__file__).resolve().parents[2] / "scripts" / "netns-sandbox"
    result = subprocess.run(
        [str(script), "--build", str(build_dir), "--no-dhcp", "--",
         "sh", "-c", "ip -br link show br0-host; exit 7"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 7
    assert result.stdout.startswith("br0-host")


def test_built_helper_at_installed_path(sandbox, build_facts):
    """-netdev bridge without helper= runs the installed path: the sandbox
    shows the built helper there."""
    result = sandbox.run([build_facts["bridge_helper"], "--version"], check=True)
    assert result.stdout.startswith("qemu-bridge-helper version ")
