"""libvirt 9.0 (Debian 12) drives our emulator, unmodified, inside a
sandbox (libvirt.py explains the set-up; docs/system/libvirt.rst what
works).  Session mode: libvirtd as an unprivileged user.

Skipped only where libvirt is not installed, or where the run is not real
root (the sandbox then cannot map the unprivileged user libvirtd runs as).
"""

import os
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import libvirt
from guest import BASE_APPEND, guest_or_skip, parse_output

DOMAIN_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='riscv64' machine='virt'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>{cmdline}</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>{emulator}</emulator>
    <interface type='bridge'>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <log file='{console}'/>
    </serial>
    {extra}
  </devices>
</domain>
"""


@pytest.fixture
def libvirtd(request, make_sandbox, build_facts, tmp_path):
    reason = libvirt.missing_reason()
    if reason:
        pytest.skip(reason)
    if os.geteuid() != 0:
        pytest.skip("libvirt session mode needs the sandbox to map an "
                    "unprivileged user: run the tests as root")
    files = {build_facts["bridge_helper"]:
             str(Path(build_facts["build_root"]) / "qemu-bridge-helper")}
    null = libvirt.null_device(tmp_path)
    if null:
        files["/dev/null"] = null
    box = make_sandbox(files=files)
    daemon = libvirt.Libvirtd(box, build_facts["bridge_helper"])
    # libvirt runs the helper as the session's user: a setuid-root copy
    daemon.install_setuid_helper(build_facts["bridge_helper"])
    try:
        yield daemon.start()
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            request.node.add_report_section("call", "libvirtd",
                                            daemon.logs())
    except BaseException:
        print(daemon.logs())
        raise
    finally:
        daemon.close()
    assert daemon.proc.returncode == 0, daemon.proc.returncode


def test_domcapabilities(libvirtd, emulator):
    r = libvirtd.virsh("domcapabilities", "--emulatorbin", emulator,
                       "--arch", "riscv64", "--machine", "virt",
                       "--virttype", "qemu")
    caps = ET.fromstring(r.stdout)
    assert caps.findtext("path") == emulator
    assert caps.findtext("domain") == "qemu"
    assert caps.findtext("machine") == "virt"
    assert caps.findtext("arch") == "riscv64"
    # what we lack is reported as such
    assert caps.find("devices/tpm").get("supported") == "no"


def test_define_bridged_domain(libvirtd, emulator):
    xml = libvirtd.write("rv.xml", DOMAIN_XML.format(
        name="rv", kernel="/nonexistent/Image",
        initrd="/nonexistent/initramfs", cmdline="console=ttyS0",
        console=libvirtd.home / "console.log", emulator=emulator, extra=""))
    libvirtd.virsh("define", xml)
    dom = ET.fromstring(libvirtd.virsh("dumpxml", "rv").stdout)
    nic = dom.find("devices/interface")
    assert nic.get("type") == "bridge"
    assert nic.find("source").get("bridge") == "br0"
    assert nic.find("model").get("type") == "virtio"
    # PCIe: the NIC sits behind a pcie-root-port (needs gpex-pcihost)
    assert nic.find("address").get("type") == "pci"
    models = [c.get("model") for c in dom.findall("devices/controller")
              if c.get("type") == "pci"]
    assert "pcie-root" in models and "pcie-root-port" in models
    assert dom.find("devices/emulator").text == emulator
    assert "rv" in libvirtd.virsh("list", "--all", "--name").stdout.split()
    libvirtd.virsh("undefine", "rv")
    assert "rv" not in libvirtd.virsh("list", "--all", "--name").stdout.split()


@pytest.fixture(scope="module")
def linux_guest():
    return guest_or_skip()




def wait_for(what, predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def console_event(path, event, *words):
    """The first QB line EVENT WORDS.. in the console log at PATH."""
    def find():
        if not path.exists():
            return None
        for e in parse_output(path.read_text(errors="replace")):
            if e.event == "error":
                raise AssertionError(f"guest reported: {e.line}")
            if e.event == event and e.words[:len(words)] == list(words):
                return e
        return None
    return find


def emulator_pids(box, emulator):
    # only this sandbox's: other tests may run the same binary in parallel
    r = box.run(["pgrep", "--ns", str(box.init_pid), "--nslist", "net",
                 "-f", emulator])
    return r.stdout.split()


@pytest.mark.parametrize("balloon", ["", "<memballoon model='none'/>"],
                         ids=["default", "no-balloon"])
def test_start_bridged_guest(libvirtd, emulator, linux_guest, balloon):
    # the session's user reads the guest from the daemon's directory
    kernel = libvirtd.copy_in(linux_guest.kernel)
    initrd = libvirtd.copy_in(linux_guest.initramfs)
    console = libvirtd.home / "console.log"
    xml = libvirtd.write("guest.xml", DOMAIN_XML.format(
        name="guest", kernel=kernel, initrd=initrd, emulator=emulator,
        cmdline=f"{BASE_APPEND} ip=dhcp qb.ping=10.0.2.1",
        console=console, extra=balloon))
    libvirtd.virsh("define", xml)
    libvirtd.virsh("start", "guest")
    try:
        ifaces = libvirtd.virsh("domiflist", "guest").stdout.split()
        taps = libvirtd.box.taps()
        assert len(taps) == 1 and taps[0] in ifaces, (taps, ifaces)
        assert libvirtd.box.link(taps[0]).get("master") == "br0"
        iface = wait_for("a DHCP lease", console_event(console, "iface",
                                                       "eth0"))
        assert iface["ip"].startswith("10.0.2."), iface.line
        ping = wait_for("the ping", console_event(console, "ping",
                                                  "10.0.2.1"))
        assert ping.words[1] == "ok", ping.line
        assert "running" in libvirtd.virsh("domstate", "guest").stdout
    finally:
        libvirtd.virsh("destroy", "guest", check=False)
    assert "shut off" in libvirtd.virsh("domstate", "guest").stdout
    libvirtd.virsh("undefine", "guest")
    assert libvirtd.box.taps() == []
    assert emulator_pids(libvirtd.box, emulator) == []
