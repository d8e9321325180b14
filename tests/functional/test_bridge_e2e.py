"""End to end on our emulator: Debian's U-Boot on a Linux bridge.

In the sandbox (br0 with dnsmasq on 10.0.2.1, and qemubr0 on 10.0.3.1 for
the second-bridge cases), U-Boot probes virtio-net-pci, takes a DHCP
lease, pings the bridge's host address and TFTPs a file whose CRC32 must
match, with every form of the command line QEMU users know.
"""

import os
import re
import subprocess
import zlib

import pexpect
import pytest

import uboot
from qmp import QMPClient

BRIDGES = {"br0": "10.0.2.1/24", "qemubr0": "10.0.3.1/24"}
ACL = "allow br0\nallow qemubr0\n"
TFTP_SIZE = 1 << 20
LOAD_ADDR = "0x84000000"


@pytest.fixture
def tftp_dir(tmp_path):
    root = tmp_path / "tftp"
    root.mkdir()
    data = os.urandom(TFTP_SIZE)
    (root / "test.bin").write_bytes(data)
    os.chmod(root, 0o755)
    os.chmod(root / "test.bin", 0o644)
    return root, zlib.crc32(data)


@pytest.fixture
def net_sandbox(make_sandbox, tftp_dir):
    return make_sandbox(bridges=BRIDGES, tftp_root=tftp_dir[0], acl_text=ACL)


def boot(sandbox, emulator, net_args, extra=()):
    argv = [emulator, "-M", "virt", "-m", "256", "-nographic",
            "-bios", uboot.UBOOT_M_MODE, *extra, *net_args]
    return sandbox.spawn(argv, timeout=60)


def tftp_crc(console, server):
    out = uboot.command(console, f"setenv serverip {server}; tftpboot "
                        f"{LOAD_ADDR} test.bin; crc32 {LOAD_ADDR} ${{filesize}}",
                        timeout=60)
    match = re.search(r"==> ([0-9a-f]{8})", out)
    assert match, out
    assert "Bytes transferred = %d" % TFTP_SIZE in out, out
    return int(match.group(1), 16)


def run_guest(console, server, crc):
    uboot.stop_autoboot(console)
    address = uboot.dhcp_and_ping(console, server)
    assert address.startswith(server.rsplit(".", 1)[0] + ".")
    assert tftp_crc(console, server) == crc


def quit_console(console):
    console.sendcontrol("a")
    console.send("x")
    console.expect(pexpect.EOF, timeout=10)


@pytest.mark.parametrize("net_args, server", [
    (["-netdev", "bridge,id=hn0", "-device", "virtio-net-pci,netdev=hn0"],
     "10.0.2.1"),
    (["-netdev", "bridge,br=qemubr0,id=hn0", "-device",
      "virtio-net-pci,netdev=hn0"], "10.0.3.1"),
    (["-net", "bridge", "-net", "nic,model=virtio"], "10.0.2.1"),
    (["-net", "bridge,br=qemubr0", "-net", "nic,model=virtio"], "10.0.3.1"),
    (["-netdev", "tap,helper={helper} --br=qemubr0,id=hn0", "-device",
      "virtio-net-pci,netdev=hn0"], "10.0.3.1"),
    (["-nic", "bridge,br=br0,model=virtio-net-pci"], "10.0.2.1"),
], ids=["netdev-bridge", "netdev-bridge-qemubr0", "net-bridge",
        "net-bridge-qemubr0", "netdev-tap-helper", "nic-bridge"])
def test_uboot_on_bridge(net_sandbox, emulator, helper, tftp_dir, net_args,
                         server):
    args = [a.replace("{helper}", helper) for a in net_args]
    console = boot(net_sandbox, emulator, args)
    run_guest(console, server, tftp_dir[1])
    assert len(net_sandbox.taps()) == 1
    quit_console(console)
    assert net_sandbox.taps() == []


def test_cold_plug_over_qmp(net_sandbox, emulator, tftp_dir, tmp_path):
    """-S, then netdev_add bridge + device_add virtio-net-pci + cont."""
    sock = tmp_path / "qmp.sock"
    console = boot(net_sandbox, emulator, [],
                   ["-S", "-qmp", f"unix:{sock},server=on,wait=off"])
    with QMPClient(sock) as qmp:
        qmp.connect()
        assert qmp.execute("query-status")["status"] == "prelaunch"
        qmp.execute_args("netdev_add", {"type": "bridge", "id": "hn0",
                                        "br": "br0"})
        qmp.execute_args("device_add", {"driver": "virtio-net-pci",
                                        "netdev": "hn0", "id": "nic0"})
        assert qmp.hmp("info network") == (
            "nic0: index=0,type=nic,model=virtio-net-pci,"
            "macaddr=52:54:00:12:34:56\r\n"
            " \\ hn0: index=0,type=tap,helper=/usr/local/libexec/"
            "qemu-bridge-helper,br=br0\r\n")
        qmp.execute("cont")
        run_guest(console, "10.0.2.1", tftp_dir[1])
    quit_console(console)


def test_info_network_and_set_link(net_sandbox, emulator, tmp_path):
    sock = tmp_path / "qmp.sock"
    console = boot(net_sandbox, emulator,
                   ["-netdev", "bridge,id=hn0", "-device",
                    "virtio-net-pci,netdev=hn0,id=nic0,mac=52:54:00:aa:bb:cc"],
                   ["-qmp", f"unix:{sock},server=on,wait=off"])
    uboot.stop_autoboot(console)
    uboot.dhcp_and_ping(console)
    with QMPClient(sock) as qmp:
        qmp.connect()
        info = qmp.hmp("info network")
        assert "macaddr=52:54:00:aa:bb:cc" in info
        assert "helper=/usr/local/libexec/qemu-bridge-helper,br=br0" in info
        assert "(null)" not in info
        qmp.execute("set_link", name="nic0", up=False)
        assert "(link down)" in qmp.hmp("info network")
        out = uboot.command(console, "ping 10.0.2.1", timeout=30)
        assert "is alive" not in out
        qmp.execute("set_link", name="nic0", up=True)
        out = uboot.command(console, "ping 10.0.2.1", timeout=30)
        assert "host 10.0.2.1 is alive" in out
    quit_console(console)


@pytest.mark.parametrize("netdev, acl, message", [
    ("bridge,id=hn0,br=nosuchbr", "allow all\n",
     "bridge helper failed: qemu-bridge-helper: bridge 'nosuchbr' does not exist"),
    ("bridge,id=hn0", "deny br0\n",
     "bridge helper failed: qemu-bridge-helper: access denied by ACL: "
     "bridge 'br0' is denied"),
    ("bridge,id=hn0,helper=/nonexistent/helper", "allow all\n",
     "bridge helper failed: cannot run /nonexistent/helper"),
])
def test_bridge_failures_at_startup(make_sandbox, emulator, netdev, acl,
                                    message):
    sandbox = make_sandbox(acl_text=acl, dhcp=False)
    result = sandbox.run([emulator, "-M", "virt", "-nographic", "-bios", "none",
                          "-netdev", netdev, "-device",
                          "virtio-net-pci,netdev=hn0"], timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"qemu-system-riscv64: -netdev {netdev}: ")
    assert message in result.stderr, result.stderr
    assert sandbox.taps() == []


def test_bridge_failure_over_qmp_keeps_vm(make_sandbox, emulator, tmp_path):
    sandbox = make_sandbox(acl_text="deny br0\n", dhcp=False)
    sock = tmp_path / "qmp.sock"
    proc = sandbox.popen([emulator, "-M", "virt", "-nographic", "-bios", "none",
                          "-S", "-qmp", f"unix:{sock},server=on,wait=off"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    with QMPClient(sock) as qmp:
        qmp.connect()
        reply = qmp.command("netdev_add", type="bridge", id="hn0")
        assert reply["error"]["class"] == "GenericError"
        assert "access denied by ACL" in reply["error"]["desc"]
        assert qmp.execute("query-status")["status"] == "prelaunch"
        assert sandbox.taps() == []
        sandbox.set_acl("allow br0\n")
        qmp.execute("netdev_add", type="bridge", id="hn0")
        assert len(sandbox.taps()) == 1
        qmp.execute("netdev_del", id="hn0")
        assert sandbox.taps() == []
        qmp.execute("quit")
    assert proc.wait(timeout=10) == 0


def test_netdev_bridge_add_del_is_flat(make_sandbox, emulator, tmp_path,
                                      sanitized):
    """500 rounds of netdev_add/netdev_del of a bridge back-end: no fd,
    tap or memory left behind."""
    sandbox = make_sandbox(dhcp=False)
    sock = tmp_path / "qmp.sock"
    proc = sandbox.popen([emulator, "-M", "virt", "-nographic", "-bios", "none",
                          "-S", "-qmp", f"unix:{sock},server=on,wait=off"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)

    def fds():
        return len(os.listdir(f"/proc/{proc.pid}/fd"))

    def rss():
        with open(f"/proc/{proc.pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))

    with QMPClient(sock) as qmp:
        qmp.connect()

        def rounds(n):
            for i in range(n):
                qmp.execute("netdev_add", type="bridge", id=f"b{i}")
                qmp.execute("netdev_del", id=f"b{i}")
        rounds(20)
        before_fds, before_rss = fds(), rss()
        rounds(500)
        assert fds() == before_fds
        if not sanitized:
            assert rss() - before_rss < 2048
        assert sandbox.taps() == []
        qmp.execute("quit")
    assert proc.wait(timeout=10) == 0
