"""Sandboxes that span simulated hosts: each host its own network namespace
and br0, the bridges joined by VXLAN over an underlay (see sandbox.py).
A guest on each of two hosts takes its lease from the one DHCP server on
host 0 and they exchange TCP data across the tunnel with full-size frames.
"""

import json

import pytest

from guest import QBConsole, guest_or_skip

MACHINE = ["-M", "virt", "-m", "512", "-smp", "1", "-nographic",
           "-bios", "default"]
MiB = 1 << 20


@pytest.fixture(scope="module")
def linux_guest():
    return guest_or_skip()


def boot(box, emulator, helper, guest, append, mac, host, name):
    log = open(box.workdir / f"{name}.log", "w", buffering=1)
    argv = [emulator, *MACHINE, *guest.boot_args(append),
            "-netdev", f"bridge,id=hn0,br=br0,helper={helper}",
            "-device", f"virtio-net-pci,netdev=hn0,mac={mac}"]
    return QBConsole(box.spawn(argv, timeout=120, logfile=log, host=host))


def test_hosts_have_their_own_bridge_and_underlay(make_sandbox):
    box = make_sandbox(hosts=3)
    for host in range(3):
        br0 = box.link("br0", host)
        assert br0 and br0["mtu"] == 1500
        vx = box.link("vx0", host)
        assert vx["linkinfo"]["info_data"]["id"] == 42
        assert vx["master"] == "br0"
        addrs = json.loads(box.run(["ip", "-j", "addr", "show", "br0-host"],
                                   host=host, check=True).stdout)
        assert addrs[0]["addr_info"][0]["local"] == f"10.0.2.{1 + host}"
    uplink = box.link("uplink", 2)
    assert uplink["mtu"] == 1550            # room for VXLAN's 50 bytes
    # each host is a namespace of its own: a link made on one is not on
    # the others
    box.run(["ip", "link", "add", "only-h1", "type", "bridge"], host=1,
            check=True)
    assert box.link("only-h1", 1) and not box.link("only-h1", 0)
    assert not box.link("only-h1", 2)


def test_guests_on_two_hosts_exchange_tcp(make_sandbox, emulator, helper,
                                          linux_guest):
    box = make_sandbox(hosts=2)
    a = boot(box, emulator, helper, linux_guest,
             "ip=dhcp qb.listen=7777 qb.timeout=120 qb.poweroff=1",
             "52:54:00:12:34:56", host=0, name="a")
    a.ready()
    a_ip = a.expect("iface", "eth0")["ip"].split("/")[0]
    a.expect("listen", timeout=60)
    b = boot(box, emulator, helper, linux_guest,
             f"ip=dhcp qb.ping=10.0.2.1 qb.tcp={a_ip}:7777 qb.banner=1 "
             f"qb.rx={4 * MiB} qb.tx={4 * MiB} qb.timeout=120 qb.poweroff=1",
             "52:54:00:12:34:57", host=1, name="b")
    b.ready()
    # B's lease came from host 0's dnsmasq, through the tunnel
    b_ip = b.expect("iface", "eth0")["ip"].split("/")[0]
    assert b_ip.startswith("10.0.2.") and b_ip != a_ip
    assert b_ip in (box.workdir / "dnsmasq.leases").read_text()
    assert b.expect("ping", "10.0.2.1").words[1] == "ok"
    # each guest's tap is on its own host's bridge
    assert len(box.taps(0)) == 1 and len(box.taps(1)) == 1
    rx = b.expect("tcp", "rx", timeout=120)
    tx = b.expect("tcp", "tx", timeout=120)
    served = a.expect("listen", "served", timeout=120)
    assert rx.int("bytes") == 4 * MiB == served.int("sent")
    assert rx["intact"] == "yes", rx.line
    assert tx.int("bytes") == 4 * MiB == served.int("got")
    assert served["got_intact"] == "yes" == tx["peer_intact"], served.line
    for qb in (a, b):
        assert qb.done().int("errors") == 0
        assert qb.wait_exit() == 0
