"""Driving Debian's U-Boot over a serial console (a pexpect child).

The same steps serve QEMU 7.2 (the reference) and our emulator: stop the
autoboot countdown, then probe the NIC by hand as U-Boot does not probe it at
start-up (`pci enum; virtio scan`), then DHCP and ping.
"""

import re

PROMPT = "=> "
UBOOT_M_MODE = "/usr/lib/u-boot/qemu-riscv64/u-boot.bin"
UBOOT_S_MODE = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"


def stop_autoboot(console, timeout=60):
    console.expect("Hit any key to stop autoboot", timeout=timeout)
    console.send("\r")
    console.expect_exact(PROMPT, timeout=10)


def command(console, line, timeout=30):
    """Runs LINE at the prompt and returns what it printed."""
    console.sendline(line)
    console.expect_exact(line, timeout=10)          # the echo
    console.expect_exact("\n" + PROMPT, timeout=timeout)
    return console.before


def dhcp_and_ping(console, server="10.0.2.1"):
    """Brings up virtio-net, takes a lease and pings SERVER; returns the
    leased address.  Raises AssertionError with U-Boot's output otherwise."""
    out = command(console, "pci enum; virtio scan; setenv autoload no; dhcp",
                  timeout=60)
    match = re.search(r"DHCP client bound to address (\d+\.\d+\.\d+\.\d+)", out)
    assert match, f"no DHCP lease:\n{out}"
    out = command(console, f"ping {server}", timeout=30)
    assert f"host {server} is alive" in out, f"ping failed:\n{out}"
    return match.group(1)
