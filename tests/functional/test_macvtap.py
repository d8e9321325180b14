"""macvtap, as libvirt's <interface type='direct'> uses it: a macvtap
device over a link (here a veth whose peer is a port of br0), its
character device opened by the caller and handed over as -netdev
tap,fd=N.  The guest takes a lease through it and moves TCP data both
ways with the vnet header and offloads on, as on a tap.

/dev/tapN is created by the kernel as root's, mode 0600: only real root
can open it, so the test skips for anyone else.
"""

import os

import pytest

from guest import QBConsole, guest_or_skip, peer_results, peer_serve

MACHINE = ["-M", "virt", "-m", "512", "-smp", "1", "-nographic",
           "-bios", "default"]
MiB = 1 << 20

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="/dev/tapN is root's (mode 0600)")


@pytest.fixture(scope="module")
def linux_guest():
    return guest_or_skip()


def make_macvtap(box, mode="bridge"):
    """mvt0 over veth mv-lower, whose peer is a port of br0; returns the
    path of its character device."""
    for argv in (["ip", "link", "add", "mv-lower", "type", "veth", "peer",
                  "name", "mv-upper"],
                 ["ip", "link", "set", "mv-upper", "master", "br0"],
                 ["ip", "link", "set", "mv-upper", "up"],
                 ["ip", "link", "set", "mv-lower", "up"],
                 ["ip", "link", "add", "link", "mv-lower", "name", "mvt0",
                  "type", "macvtap", "mode", mode],
                 ["ip", "link", "set", "mvt0", "address",
                  "52:54:00:12:34:56", "up"]):
        box.run(argv, check=True)
    return f"/dev/tap{box.link('mvt0')['ifindex']}"


def test_guest_on_macvtap(sandbox, emulator, linux_guest):
    node = make_macvtap(sandbox)
    peer, port = peer_serve(sandbox)
    log = open(sandbox.workdir / "console.log", "w", buffering=1)
    append = (f"ip=dhcp qb.ping=10.0.2.1 qb.tcp=10.0.2.1:{port} "
              f"qb.rx={4 * MiB} qb.tx={4 * MiB} qb.timeout=120 "
              "qb.poweroff=1")
    argv = ["/bin/sh", "-c", f'exec 3<>{node} && exec "$@"', "sh",
            emulator, *MACHINE, *linux_guest.boot_args(append),
            # as libvirt passes it; a macvtap queue has IFF_VNET_HDR set
            "-netdev", "tap,id=hn0,fd=3",
            # the guest must use the macvtap's address: macvtap only
            # passes frames for it up
            "-device", "virtio-net-pci,netdev=hn0,mac=52:54:00:12:34:56"]
    qb = QBConsole(sandbox.spawn(argv, timeout=120, logfile=log))
    qb.ready()
    iface = qb.expect("iface", "eth0")
    assert iface["ip"].startswith("10.0.2."), iface.line
    assert qb.expect("ping", "10.0.2.1").words[1] == "ok"
    rx = qb.expect("tcp", "rx", timeout=120)
    tx = qb.expect("tcp", "tx", timeout=120)
    assert rx.int("bytes") == 4 * MiB and rx["intact"] == "yes", rx.line
    assert tx.int("bytes") == 4 * MiB, tx.line
    assert qb.done().int("errors") == 0
    assert qb.wait_exit() == 0
    host = peer_results(peer, timeout=60)[0]
    assert host["sent_bytes"] == 4 * MiB == host["received_bytes"], host
    assert host["received_intact"] and tx["peer_intact"] == "yes", host
    # the macvtap is the caller's: still there, the emulator made no tap
    assert sandbox.link("mvt0") and sandbox.taps() == []
