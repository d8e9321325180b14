"""The Linux test guest for the functional tests.

ensure_guest() builds (once; tests/guest/build-linux caches the result
outside the tree) and returns the kernel and initramfs; guest_or_skip()
does the same but skips the test when the cross toolchain or the kernel
source is not installed.  A test module makes it a session fixture:

    @pytest.fixture(scope="session")
    def linux_guest():
        return guest.guest_or_skip()

The guest's init (tests/guest/init.c) is driven by qb.KEY=VALUE words on
the kernel command line and reports on the serial console with lines
`QB: <event> <words> key=value ...`; QBConsole wraps a pexpect console and
turns those lines into QBEvent values, failing fast on `QB: error` lines
and kernel panics.  tcp_peer.py is the host end of the TCP exchange; the
peer_* helpers run it inside a sandbox.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    import pytest
except ImportError:         # build-only use: python3 guest.py
    pytest = None

SOURCE_ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = SOURCE_ROOT / "tests" / "guest" / "build-linux"
TCP_PEER = Path(__file__).resolve().parent / "tcp_peer.py"
LINUX_TARBALL = "/usr/src/linux-source-6.1.tar.xz"
CROSS_GCC = "riscv64-linux-gnu-gcc"

# The kernel's part of the command line: the 16550 console, and no
# kernel messages between init's lines unless qb.loglevel says otherwise.
BASE_APPEND = "console=ttyS0 earlycon=sbi"

# For PCIe hotplug.  The virt machine has no MSI controller that Linux 6.1
# drives, so a root port's pciehp and the device below it share one INTx
# line.  Unplugging in interrupt mode then deadlocks in the guest: the
# device's remove runs in pciehp's IRQ thread and waits (synchronize_irq)
# for the threads of that same line, itself included; the NIC vanishes
# but the slot is never powered off, so the emulator never completes
# device_del.  In poll mode pciehp works from its own kthread.  The
# poller starts 10 s after boot and then looks every second.
HOTPLUG_APPEND = "pciehp.pciehp_poll_mode=1 pciehp.pciehp_poll_time=1"

_guest = None


@dataclass
class Guest:
    kernel: str
    initramfs: str
    manifest: dict

    def boot_args(self, append):
        """QEMU's -kernel/-initrd/-append for this guest.  APPEND: the
        rest of the command line (e.g. "ip=dhcp qb.ping=10.0.2.1")."""
        return ["-kernel", self.kernel, "-initrd", self.initramfs,
                "-append", f"{BASE_APPEND} {append}".strip()]


def missing_tools():
    """Why the guest cannot be built here, or None."""
    if not shutil.which(CROSS_GCC):
        return f"{CROSS_GCC} not installed (gcc-riscv64-linux-gnu)"
    if not os.path.exists(LINUX_TARBALL) and \
            not os.environ.get("QEMU_BRIDGE_LINUX_TARBALL"):
        return f"{LINUX_TARBALL} not installed (linux-source-6.1)"
    return None


def ensure_guest(timeout=3600):
    """Builds the guest unless it is cached; returns a Guest.  Raises
    RuntimeError with the build's messages when the build fails."""
    global _guest
    if _guest is not None:
        return _guest
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(BUILD_SCRIPT)],
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{BUILD_SCRIPT} failed ({result.returncode}):\n"
                           f"{result.stderr[-5000:]}")
    manifest = json.loads(result.stdout)
    if time.monotonic() - started > 5:
        # Shown with -s; a CI log then says where the minutes went.
        print(f"\nbuilt the Linux test guest in "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    _guest = Guest(manifest["kernel"], manifest["initramfs"], manifest)
    return _guest


def guest_or_skip():
    """ensure_guest() in a test: skips when the guest cannot be built here
    (a failing build is an error, not a skip)."""
    why = missing_tools()
    if why:
        pytest.skip(why)
    return ensure_guest()


# -- the console ----------------------------------------------------------------

LINE = re.compile(r"QB: ([^\r\n]*)\r*\n")
PANIC = "Kernel panic - not syncing"


@dataclass
class QBEvent:
    """`QB: ping 10.0.2.1 ok rtt_us=52` -> event "ping", words
    ["10.0.2.1", "ok"], fields {"rtt_us": "52"}."""
    event: str
    words: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    line: str = ""
    at: float = 0.0             # time.monotonic() when it was read

    def __getitem__(self, key):
        return self.fields[key]

    def int(self, key):
        return int(self.fields[key], 0)


def parse_line(text):
    """One line's text after `QB: ` -> QBEvent."""
    parts = text.split()
    event = QBEvent(parts[0] if parts else "", line=text, at=time.monotonic())
    for part in parts[1:]:
        key, eq, value = part.partition("=")
        if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            event.fields[key] = value
        else:
            event.words.append(part)
    return event


def parse_output(text):
    """All QBEvents in a captured console TEXT."""
    return [parse_line(m.group(1)) for m in LINE.finditer(text)]


class GuestError(AssertionError):
    pass


class QBConsole:
    """Reads QB lines from a pexpect CONSOLE (encoding="utf-8")."""

    def __init__(self, console, allow_errors=False):
        self.console = console
        self.allow_errors = allow_errors
        self.events = []
        self.started = time.monotonic()

    def next(self, timeout=60):
        """The next QB line as a QBEvent.  A kernel panic, EOF or timeout
        raises GuestError; so does `QB: error` unless allow_errors."""
        import pexpect
        try:
            i = self.console.expect([LINE, PANIC], timeout=timeout)
        except pexpect.EOF:
            raise GuestError(f"console closed; last output:\n"
                             f"{self.console.before[-3000:]}") from None
        except pexpect.TIMEOUT:
            raise GuestError(f"no QB line in {timeout} s; last output:\n"
                             f"{self.console.before[-3000:]}") from None
        if i == 1:
            try:
                self.console.expect(pexpect.EOF, timeout=5)
            except pexpect.TIMEOUT:
                pass
            raise GuestError(f"kernel panic:\n{self.console.before[-3000:]}")
        event = parse_line(self.console.match.group(1))
        self.events.append(event)
        if event.event == "error" and not self.allow_errors:
            raise GuestError(f"guest reported: {event.line}")
        return event

    def expect(self, event, *words, timeout=60):
        """Skips QB lines up to the first EVENT whose words start with
        WORDS; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.next(timeout=max(0.1, deadline - time.monotonic()))
            if got.event == event and got.words[:len(words)] == list(words):
                return got

    def ready(self, timeout=120):
        """Waits for `QB: ready`; returns it with .fields["wall_s"], the
        wall time since this QBConsole was made (start the emulator
        right before making it)."""
        got = self.expect("ready", timeout=timeout)
        got.fields["wall_s"] = f"{got.at - self.started:.3f}"
        return got

    def done(self, timeout=120):
        return self.expect("done", timeout=timeout)

    def wait_exit(self, timeout=30):
        """Waits for the emulator to exit; returns its exit status."""
        import pexpect
        self.console.expect(pexpect.EOF, timeout=timeout)
        self.console.close()
        if self.console.exitstatus is None:
            return -(self.console.signalstatus or 0)
        return self.console.exitstatus


# -- the host end of the TCP exchange -------------------------------------------

def peer_serve(sandbox, bind="10.0.2.1", conns=1, timeout=300, corrupt=None):
    """Starts tcp_peer.py serve inside SANDBOX; returns (process, port).
    CORRUPT: the offset of a byte to flip in what the peer sends."""
    extra = [] if corrupt is None else ["--corrupt", str(corrupt)]
    proc = sandbox.popen(["/usr/bin/python3", str(TCP_PEER), "serve",
                          "--bind", bind, "--conns", str(conns),
                          "--timeout", str(timeout), *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    first = json.loads(proc.stdout.readline() or '{"event": "exited"}')
    if first.get("event") != "listening":
        raise RuntimeError(f"tcp_peer did not start: {first} "
                           f"{proc.stderr.read()}")
    return proc, first["port"]


def peer_results(proc, timeout=300):
    """The JSON lines tcp_peer printed after `listening`, once it exits."""
    out, err = proc.communicate(timeout=timeout)
    results = [json.loads(line) for line in out.splitlines() if line.strip()]
    for result in results:
        if result.get("event") == "error":
            raise AssertionError(f"tcp_peer: {result['error']} {err}")
    return results


def peer_connect(sandbox, host, port, rx, tx, timeout=300):
    """Runs tcp_peer.py connect inside SANDBOX against a guest in listen
    mode; returns its JSON result."""
    result = sandbox.run(["/usr/bin/python3", str(TCP_PEER), "connect",
                          "--host", host, "--port", str(port), "--rx", str(rx),
                          "--tx", str(tx), "--timeout", str(timeout)],
                         timeout=timeout + 30)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line]
    if result.returncode != 0 or not lines:
        raise AssertionError(f"tcp_peer connect failed: {result.stdout} "
                             f"{result.stderr}")
    return lines[-1]


if __name__ == "__main__":
    print(json.dumps(ensure_guest().manifest, indent=2))
