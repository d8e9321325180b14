"""PCI enumeration as a guest sees it: U-Boot's `pci` command lists the
functions of bus 0 with their IDs (it skips functions 1-7 of a slot whose
function 0 does not set the multifunction bit, as Linux does)."""

import json
import re
import subprocess

import pexpect
import pytest

import uboot


def pci_listing(emulator, *device_args):
    """{"BB.DD.FF": (vendor, device)} for bus 0 under U-Boot."""
    args = ["-M", "virt", "-nographic", "-bios", uboot.UBOOT_M_MODE]
    for d in device_args:
        args += ["-device", d]
    c = pexpect.spawn(emulator, args, encoding="utf-8", timeout=30)
    try:
        uboot.stop_autoboot(c)
        out = uboot.command(c, "pci enum; pci")
    finally:
        c.terminate(force=True)
    return {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(
        r"^(\d\d\.\d\d\.\d\d)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)", out, re.M)}


def test_virtio_net_transitional_types(emulator):
    found = pci_listing(
        emulator,
        "virtio-net-pci-transitional,addr=2",
        "virtio-net-pci-non-transitional,addr=3",
        "virtio-net-pci,addr=4,disable-legacy=on")
    assert found["00.02.00"] == ("0x1af4", "0x1000")     # legacy ID
    assert found["00.03.00"] == ("0x1af4", "0x1041")     # modern only
    assert found["00.04.00"] == ("0x1af4", "0x1041")


def root_port(fn, **extra):
    props = {"driver": "pcie-root-port", "port": 8 + fn, "chassis": fn + 1,
             "id": f"pci.{fn + 1}", "bus": "pcie.0", "addr": f"0x1.0x{fn}"}
    props.update(extra)
    return json.dumps(props)


def test_multifunction_root_ports(emulator):
    """libvirt's layout: root ports at 1.0-1.3, multifunction on 1.0 only;
    the guest finds all four."""
    found = pci_listing(emulator, root_port(0, multifunction=True),
                        *(root_port(fn) for fn in (1, 2, 3)))
    for fn in range(4):
        assert found[f"00.01.0{fn}"] == ("0x1b36", "0x000c")


@pytest.mark.parametrize("first,second,message", [
    (root_port(0), root_port(1),
     "PCI: single function device can't be populated in function 1.1"),
    (root_port(1), root_port(0),
     "PCI: 1.0 indicates single function, but 1.1 is already populated."),
])
def test_multifunction_rules(emulator, first, second, message):
    r = subprocess.run([emulator, "-M", "virt", "-display", "none",
                        "-device", first, "-device", second],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert r.stderr.endswith(message + "\n"), r.stderr
