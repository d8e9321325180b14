"""PCI enumeration as a guest sees it: U-Boot's `pci` command lists the
functions of bus 0 with their IDs (it skips functions 1-7 of a slot whose
function 0 does not set the multifunction bit, as Linux does)."""

import re

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
