"""libvirt 9.0 (Debian 12) drives our emulator, unmodified, inside a
sandbox (libvirt.py explains the set-up; docs/system/libvirt.rst what
works).  Session mode: libvirtd as an unprivileged user.

Skipped only where libvirt is not installed, or where the run is not real
root (the sandbox then cannot map the unprivileged user libvirtd runs as).
"""

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import libvirt

DOMAIN_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='riscv64' machine='virt'>hvm</type>
    <kernel>{kernel}</kernel>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <devices>
    <emulator>{emulator}</emulator>
    <interface type='bridge'>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'/>
  </devices>
</domain>
"""


@pytest.fixture
def libvirtd(make_sandbox, build_facts, tmp_path):
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
    try:
        yield daemon.start()
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
        name="rv", kernel="/nonexistent/Image", emulator=emulator))
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
