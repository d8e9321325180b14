"""The Linux test guest (tests/guest) on a bridge, on our emulator and on
QEMU 7.2 from Debian (the reference that proves the guest itself): the
same kernel and init in the sandbox, on a tap from our helper.

The QEMU runs skip without qemu-system-riscv64; everything skips when the
guest cannot be built here (no cross compiler or kernel source); the first
run builds the guest (a few minutes, cached).
"""

import os
import shutil
import time

import pytest

from guest import (HOTPLUG_APPEND, QBConsole, guest_or_skip, peer_connect,
                   peer_results, peer_serve)
from qmp import QMPClient



@pytest.fixture(params=["ours", "qemu-7.2"])
def system_emulator(request, emulator):
    """The emulator under test: ours, or the reference."""
    if request.param == "ours":
        return emulator
    path = shutil.which("qemu-system-riscv64")
    if not path:
        pytest.skip("qemu-system-riscv64 (QEMU 7.2) not installed")
    return path


@pytest.fixture(scope="session")
def linux_guest():
    return guest_or_skip()


MACHINE = ["-M", "virt", "-m", "512", "-smp", "1", "-nographic",
           "-bios", "default"]
BRIDGE_NIC = ["-netdev", "bridge,id=hn0,br=br0,helper={helper}",
              "-device", "virtio-net-pci,netdev=hn0,romfile="]
MiB = 1 << 20


def boot(sandbox, qemu, guest, append, extra, timeout=120, name="console"):
    """Starts QEMU with GUEST inside SANDBOX; returns a QBConsole.  The
    console is logged to <sandbox workdir>/NAME.log."""
    log = open(sandbox.workdir / f"{name}.log", "w", buffering=1)
    argv = [qemu, *MACHINE, *guest.boot_args(append), *extra]
    console = sandbox.spawn(argv, timeout=timeout, logfile=log)
    return QBConsole(console)


def bridge_nic(helper):
    return [a.format(helper=helper) for a in BRIDGE_NIC]


def leased(sandbox, address):
    leases = sandbox.workdir / "dnsmasq.leases"
    return leases.exists() and address in leases.read_text()


def transfer(sandbox, qemu, guest, helper, nbytes, extra_append=""):
    """Boots with ip=dhcp, pings the bridge's host address, moves NBYTES
    each way through tcp_peer, powers off.  Returns a dict of figures."""
    peer, port = peer_serve(sandbox)
    qb = boot(sandbox, qemu, guest,
              f"ip=dhcp qb.ping=10.0.2.1 qb.tcp=10.0.2.1:{port} "
              f"qb.rx={nbytes} qb.tx={nbytes} qb.timeout=120 qb.poweroff=1 "
              f"{extra_append}",
              bridge_nic(helper), timeout=300)
    ready = qb.ready()
    iface = qb.expect("iface", "eth0")
    address = iface["ip"].split("/")[0]
    assert address.startswith("10.0.2."), iface.line
    assert leased(sandbox, address), "dnsmasq has no lease for the guest"
    ping = qb.expect("ping", "10.0.2.1")
    assert ping.words[1] == "ok", ping.line
    rx = qb.expect("tcp", "rx", timeout=300)
    tx = qb.expect("tcp", "tx", timeout=300)
    host = peer_results(peer, timeout=60)[0]

    # host -> guest: the guest got every byte the peer sent, as sent
    assert rx.int("bytes") == nbytes == host["sent_bytes"]
    assert rx["intact"] == "yes", rx.line
    # guest -> host: the same the other way, and the guest heard so
    assert host["received_bytes"] == nbytes == tx.int("bytes")
    assert host["received_intact"], host
    assert tx["peer_intact"] == "yes", tx.line

    done = qb.done()
    assert done.int("errors") == 0
    assert qb.wait_exit(timeout=60) == 0
    return {
        "ready_wall_s": float(ready["wall_s"]),
        "ready_uptime_ms": ready.int("uptime_ms"),
        "address": address,
        "ping_rtt_us": ping.int("rtt_us"),
        "rx_MBps": nbytes / 1e6 / (float(rx["ms"]) / 1000),
        "tx_MBps": nbytes / 1e6 / (float(tx["ms"]) / 1000),
    }


def test_boot_dhcp_ping_tcp(sandbox, helper, system_emulator, linux_guest,
                           record_property):
    """ip=dhcp gets a lease from dnsmasq, ping answers, 64 MiB each way
    arrive intact (every byte compared), and poweroff makes QEMU exit 0.
    The figures are reported (pytest -s shows them), not asserted:
    bench/linux measures them."""
    figures = transfer(sandbox, system_emulator, linux_guest, helper, 64 * MiB)
    for key, value in figures.items():
        record_property(key, value)
    print(f"\n{system_emulator}, 64 MiB each way: ready after "
          f"{figures['ready_wall_s']:.2f} s (guest uptime "
          f"{figures['ready_uptime_ms']} ms), host->guest "
          f"{figures['rx_MBps']:.1f} MB/s, guest->host "
          f"{figures['tx_MBps']:.1f} MB/s")


def test_guest_notices_a_flipped_byte(sandbox, helper, emulator, linux_guest):
    """The guest's check is real: one byte flipped by the peer is reported
    at its offset, and the guest counts the error."""
    offset = 3 * MiB + 4097
    peer, port = peer_serve(sandbox, corrupt=offset)
    qb = boot(sandbox, emulator, linux_guest,
              f"ip=dhcp qb.tcp=10.0.2.1:{port} qb.rx={4 * MiB} qb.tx=0 "
              f"qb.timeout=120 qb.poweroff=1", bridge_nic(helper))
    qb.allow_errors = True
    rx = qb.expect("tcp", "rx", timeout=120)
    assert rx["intact"] == "no" and rx.int("first_bad") == offset, rx.line
    assert rx.int("bytes") == 4 * MiB
    error = qb.expect("error")
    assert f"byte {offset} differs from the pattern" in error.line
    peer_results(peer, timeout=60)
    assert qb.done().int("errors") == 1
    assert qb.wait_exit() == 0


def test_listen_through_user_hostfwd(sandbox, system_emulator, linux_guest):
    """Listen mode behind -netdev user,hostfwd=: the host connects to the
    forwarded port and 1 MiB goes each way."""
    host_port = 10022
    qb = boot(sandbox, system_emulator, linux_guest,
              "ip=dhcp qb.listen=7777 qb.poweroff=1",
              ["-netdev", f"user,id=un0,hostfwd=tcp:127.0.0.1:{host_port}-:7777",
               "-device", "virtio-net-pci,netdev=un0,romfile="])
    qb.ready()
    iface = qb.expect("iface", "eth0")
    assert iface["ip"] == "10.0.2.15/24", iface.line     # slirp's first lease
    qb.expect("listen", timeout=60)                      # port=7777 ready
    result = peer_connect(sandbox, "127.0.0.1", host_port, MiB, MiB, timeout=60)
    served = qb.expect("listen", "served", timeout=60)
    assert result["received_bytes"] == MiB == served.int("sent")
    assert result["received_intact"], result
    assert result["peer_got"] == MiB == served.int("got")
    assert served["got_intact"] == "yes" and result["peer_intact"], served.line
    assert qb.done().int("errors") == 0
    assert qb.wait_exit() == 0


def wait_device_deleted(qmp, device, timeout=30):
    """DEVICE_DELETED comes for the device's children too (its virtio
    backend, without a "device" member): waits for DEVICE's own."""
    deadline = time.monotonic() + timeout
    while True:
        event = qmp.wait_event("DEVICE_DELETED",
                               timeout=max(0.1, deadline - time.monotonic()))
        if event.get("data", {}).get("device") == device:
            return event


def test_pcie_hotplug_bridge_nic(sandbox, helper, system_emulator, linux_guest):
    """QMP netdev_add (bridge) + device_add virtio-net-pci on a PCIe root
    port: the guest's pciehp sees the NIC, init leases an address through
    it and pings; device_del removes it again (DEVICE_DELETED) and
    netdev_del takes the tap away."""
    qmp_path = sandbox.workdir / "qmp.sock"
    qb = boot(sandbox, system_emulator, linux_guest,
              f"{HOTPLUG_APPEND} qb.hotplug=1 qb.wait=120 qb.poweroff=1",
              ["-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1",
               "-qmp", f"unix:{qmp_path},server=on,wait=off"])
    qb.ready()
    watching = qb.expect("hotplug", "watching")
    assert watching["present"] == "none"
    qmp = QMPClient(qmp_path)
    try:
        qmp.connect()
        qmp.execute("netdev_add", type="bridge", id="hn1", br="br0",
                    helper=helper)
        assert len(sandbox.taps()) == 1
        qmp.execute("device_add", driver="virtio-net-pci", id="nic1",
                    netdev="hn1", bus="rp1", romfile="")
        appear = qb.expect("hotplug", "appear", timeout=60)
        dev = appear.words[1]
        lease = qb.expect("dhcp", dev, timeout=60)
        address = lease["ip"].split("/")[0]
        assert address.startswith("10.0.2.") and leased(sandbox, address)
        ping = qb.expect("ping", "10.0.2.1", timeout=60)
        assert ping.words[1] == "ok" and ping["dev"] == dev, ping.line
        qmp.execute("device_del", id="nic1")
        # pciehp: button press, 5 s to cancel, remove, power the slot off
        qb.expect("hotplug", "disappear", dev, timeout=60)
        wait_device_deleted(qmp, "nic1")
        qmp.execute("netdev_del", id="hn1")
        assert sandbox.taps() == []
        assert qb.expect("hotplug", "done").int("cycles") == 1
        assert qb.done().int("errors") == 0
        assert qb.wait_exit() == 0
    finally:
        qmp.close()


# -- our emulator only (QEMU 7.2's riscv virt ignores -net nic and -nic) --

@pytest.mark.parametrize("net_args", [
    ["-net", "bridge,helper={helper}", "-net", "nic,model=virtio"],
    ["-nic", "bridge,br=br0,helper={helper},model=virtio-net-pci"],
    ["-netdev", "bridge,id=hn0,helper={helper}",
     "-device", "virtio-net-device,netdev=hn0"],
], ids=["net-nic", "nic", "virtio-mmio"])
def test_nic_forms(sandbox, emulator, helper, linux_guest, net_args):
    qb = boot(sandbox, emulator, linux_guest, "ip=dhcp qb.ping=10.0.2.1 "
              "qb.poweroff=1", [a.format(helper=helper) for a in net_args])
    qb.ready()
    address = qb.expect("iface", "eth0")["ip"].split("/")[0]
    assert leased(sandbox, address)
    assert qb.expect("ping", "10.0.2.1").words[1] == "ok"
    assert qb.done().int("errors") == 0
    assert qb.wait_exit() == 0


def test_smp2(sandbox, emulator, helper, linux_guest):
    qb = boot(sandbox, emulator, linux_guest, "ip=dhcp qb.ping=10.0.2.1 "
              "qb.poweroff=1", ["-smp", "2", *bridge_nic(helper)])
    assert qb.ready().int("cpus") == 2
    assert qb.expect("ping", "10.0.2.1").words[1] == "ok"
    assert qb.done().int("errors") == 0
    assert qb.wait_exit() == 0


def test_two_guests_exchange_tcp(sandbox, emulator, helper, linux_guest):
    """Guest A listens, guest B connects across br0: 8 MiB each way."""
    a = boot(sandbox, emulator, linux_guest, "ip=dhcp qb.listen=7777 "
             "qb.timeout=120 qb.poweroff=1", bridge_nic(helper), name="a")
    a.ready()
    a_ip = a.expect("iface", "eth0")["ip"].split("/")[0]
    a.expect("listen", timeout=60)
    b_nic = ["-netdev", f"bridge,id=hn0,br=br0,helper={helper}",
             "-device", "virtio-net-pci,netdev=hn0,mac=52:54:00:12:34:57"]
    b = boot(sandbox, emulator, linux_guest,
             f"ip=dhcp qb.tcp={a_ip}:7777 qb.banner=1 qb.rx={8 * MiB} "
             f"qb.tx={8 * MiB} qb.timeout=120 qb.poweroff=1", b_nic, name="b")
    b.ready()
    rx = b.expect("tcp", "rx", timeout=120)
    tx = b.expect("tcp", "tx", timeout=120)
    served = a.expect("listen", "served", timeout=120)
    assert rx.int("bytes") == 8 * MiB == served.int("sent")
    assert rx["intact"] == "yes", rx.line
    assert tx.int("bytes") == 8 * MiB == served.int("got")
    assert served["got_intact"] == "yes" == tx["peer_intact"], served.line
    for qb in (a, b):
        assert qb.done().int("errors") == 0
        assert qb.wait_exit() == 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_idle_guest_uses_little_cpu(sandbox, emulator, helper, linux_guest):
    qb = boot(sandbox, emulator, linux_guest, "ip=dhcp qb.idle=0",
              bridge_nic(helper))
    qb.ready()
    qb.expect("idle", timeout=60)
    time.sleep(1)                       # let the boot's last work settle
    pid = qb.console.pid                # nsenter exec'd the emulator
    with open(f"/proc/{pid}/comm") as f:
        assert f.read().startswith("qemu-system-ris")
    before, start = cpu_seconds(pid), time.monotonic()
    time.sleep(5)
    share = (cpu_seconds(pid) - before) / (time.monotonic() - start)
    print(f"\nidle Linux guest: {share * 100:.2f}% of one host core")
    assert share < 0.05


def test_hotplug_twenty_cycles(sandbox, emulator, helper, linux_guest):
    """Twenty rounds of netdev_add + device_add into a root port, a lease
    and a ping through the new NIC, device_del (DEVICE_DELETED once the
    guest let go) and netdev_del: no tap, no fd left behind."""
    cycles = 20
    qmp_path = sandbox.workdir / "qmp.sock"
    qb = boot(sandbox, emulator, linux_guest,
              f"{HOTPLUG_APPEND} qb.hotplug={cycles} qb.wait=600 "
              "qb.settle=0 qb.poweroff=1",
              ["-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1",
               "-qmp", f"unix:{qmp_path},server=on,wait=off"], timeout=180)
    qb.ready()
    qb.expect("hotplug", "watching")
    pid = qb.console.pid
    with QMPClient(qmp_path) as qmp:
        qmp.connect()
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        for i in range(cycles):
            qmp.execute("netdev_add", type="bridge", id=f"hn{i}", br="br0",
                        helper=helper)
            qmp.execute("device_add", driver="virtio-net-pci", id=f"nic{i}",
                        netdev=f"hn{i}", bus="rp1")
            dev = qb.expect("hotplug", "appear", timeout=60).words[1]
            assert qb.expect("dhcp", dev, timeout=60)["ip"].startswith("10.0.2.")
            ping = qb.expect("ping", "10.0.2.1", timeout=60)
            assert ping.words[1] == "ok", ping.line
            qmp.execute("device_del", id=f"nic{i}")
            qb.expect("hotplug", "disappear", dev, timeout=60)
            wait_device_deleted(qmp, f"nic{i}")
            qmp.execute("netdev_del", id=f"hn{i}")
            assert sandbox.taps() == []
            assert len(os.listdir(f"/proc/{pid}/fd")) == fds, f"cycle {i}"
        assert qb.expect("hotplug", "done").int("cycles") == cycles
        assert qb.done().int("errors") == 0
        assert qb.wait_exit() == 0


def isa_extensions(qb):
    """The multi-letter extensions of /proc/cpuinfo's isa line."""
    line = qb.expect("show", "/proc/cpuinfo:", "isa", timeout=120)
    isa = line.words[-1]
    assert isa.startswith("rv64imafdc"), line.line
    return isa, set(isa.split("_")[1:])


# What Linux 6.1 knows and reports of the extensions we offer (zicbom
# only with riscv,cbom-block-size; QEMU 7.2 has no Zicbom)
LINUX_61_REPORTS = {"sstc", "svinval", "svpbmt", "zihintpause"}


def test_cpu_extensions_as_qemu(sandbox, system_emulator, linux_guest):
    """With the same -cpu properties, the kernel reports the same
    extensions on ours as on QEMU 7.2 (it learns them from riscv,isa):
    Sstc, Svinval, Svpbmt and Zihintpause of all 6.1 knows."""
    qb = boot(sandbox, system_emulator, linux_guest,
              "qb.show=/proc/cpuinfo qb.poweroff=1",
              ["-cpu", "rv64,svpbmt=on,svinval=on"])
    isa, exts = isa_extensions(qb)
    print(f"\n{system_emulator}: isa {isa}")
    assert exts == LINUX_61_REPORTS, isa
    qb.done()
    assert qb.wait_exit(timeout=60) == 0


def test_cpu_max_boots(sandbox, emulator, linux_guest):
    """-cpu max (every extension: Sstc timer, Svpbmt, Svnapot...) boots
    to init, which reads the extensions and powers off."""
    qb = boot(sandbox, emulator, linux_guest,
              "qb.show=/proc/cpuinfo qb.poweroff=1", ["-cpu", "max"])
    qb.ready()
    isa, exts = isa_extensions(qb)
    assert exts == LINUX_61_REPORTS | {"zicbom"}, isa
    qb.done()
    assert qb.wait_exit(timeout=60) == 0
