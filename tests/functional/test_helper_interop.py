"""Our helper with the real client: QEMU 7.2 from Debian boots U-Boot in the
sandbox, gets its tap from our helper, takes a DHCP lease from dnsmasq and
pings the bridge's host address."""

import pytest

import uboot

QEMU_ARGS = ["-M", "virt", "-m", "256", "-nographic", "-bios", uboot.UBOOT_M_MODE]
NIC = ["-device", "virtio-net-pci,netdev=hn0,romfile="]


@pytest.mark.parametrize("netdev", [
    "bridge,id=hn0,br=br0,helper={helper}",
    "tap,id=hn0,helper={helper} --br=br0",
], ids=["netdev-bridge", "netdev-tap-helper"])
def test_qemu_boots_on_our_helper(sandbox, helper, qemu_reference, netdev):
    argv = [qemu_reference, *QEMU_ARGS,
            "-netdev", netdev.format(helper=helper), *NIC]
    console = sandbox.spawn(argv, timeout=60)
    uboot.stop_autoboot(console)
    assert len(sandbox.taps()) == 1
    address = uboot.dhcp_and_ping(console)
    assert address.startswith("10.0.2.")
    leases = (sandbox.workdir / "dnsmasq.leases").read_text()
    assert address in leases
    console.sendcontrol("a")
    console.send("x")
    console.expect("terminating on signal|QEMU: Terminated", timeout=10)
    console.expect(pytest.importorskip("pexpect").EOF, timeout=10)
    assert sandbox.taps() == []


def test_qemu_reports_our_denial(sandbox, helper, qemu_reference):
    sandbox.set_acl("deny br0\n")
    argv = [qemu_reference, *QEMU_ARGS,
            "-netdev", f"bridge,id=hn0,br=br0,helper={helper}", *NIC]
    result = sandbox.run(argv, timeout=60)
    assert result.returncode == 1
    assert "access denied by ACL: bridge 'br0' is denied" in result.stderr
    assert "bridge helper failed" in result.stderr
    assert sandbox.taps() == []
