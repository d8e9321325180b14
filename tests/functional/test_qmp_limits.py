"""The monitor under pressure: many clients at once, a client that floods
commands, one that never reads its replies, and guests that storm
interrupts or device kicks.  The guest keeps running, the other monitors
keep answering quickly, and memory stays bounded: a client that never reads
is disconnected once 16 MiB of replies wait for it.
"""

import os
import socket
import subprocess
import time

import pytest

from qmp import QMPClient

OUTBUF_LIMIT = 16 << 20     # chardev/char-socket.c


class VM:
    def __init__(self, binary, tmp_path, bios, monitors=1, extra=()):
        self.socks = [str(tmp_path / f"qmp{i}.sock") for i in range(monitors)]
        argv = [binary, "-M", "virt", "-display", "none", "-bios", bios,
                *extra]
        for path in self.socks:
            argv += ["-qmp", f"unix:{path},server=on,wait=off"]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)

    def client(self, i=0):
        c = QMPClient(self.socks[i])
        c.connect()
        return c

    def status(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def latencies(client, rounds=40, gap=0.01):
    """Round-trip times of query-status, in seconds."""
    times = []
    for _ in range(rounds):
        t0 = time.monotonic()
        assert client.execute("query-status")["status"] == "running"
        times.append(time.monotonic() - t0)
        time.sleep(gap)
    return sorted(times)


@pytest.fixture
def vm_factory(emulator, tmp_path):
    made = []

    def make(*args, **kwargs):
        vm = VM(emulator, tmp_path, *args, **kwargs)
        made.append(vm)
        return vm

    yield make
    for vm in made:
        vm.close()


@pytest.mark.parametrize("guest, extra", [
    ("storm-timer", ()),
    # a device on every slot the guest kicks: each kick reaches a queue
    ("storm-kick", ("-netdev", "hubport,id=n0,hubid=0",
                    "-device", "virtio-net-device,netdev=n0")),
    ("wfi", ()),
])
def test_monitor_answers_while_the_guest_storms(vm_factory, guests, guest,
                                                extra, sanitized):
    vm = vm_factory(guests[guest], extra=extra)
    qmp = vm.client()
    cpu0 = vm.cpu_seconds()
    times = latencies(qmp)
    # the slowest of 40 round trips; ASan makes everything ~3x slower
    limit = 0.3 if sanitized else 0.1
    assert times[-1] < limit, f"round trips {times}"
    if guest != "wfi":
        # it really was storming: the hart ran all along (an idle guest
        # uses next to nothing)
        assert vm.cpu_seconds() - cpu0 > 0.1
    qmp.execute("quit")
    assert vm.proc.wait(timeout=10) == 0


def test_hundred_monitors_at_once(vm_factory, guests):
    vm = vm_factory(guests["storm-timer"], monitors=100)
    clients = [vm.client(i) for i in range(100)]
    for c in clients:
        assert c.execute("query-status")["status"] == "running"
    # an event reaches every one of them
    clients[0].execute("stop")
    for c in clients:
        assert c.wait_event("STOP")["event"] == "STOP"
    assert len(os.listdir(f"/proc/{vm.proc.pid}/fd")) < 400
    for c in clients:
        c.close()


def test_flooder_and_non_reader_are_contained(vm_factory, guests, sanitized):
    """Monitor 0 is flooded with commands by a client that reads nothing;
    monitor 1 is asked for the big schema again and again by another that
    reads nothing.  Monitor 2 keeps answering quickly, the guest keeps
    running, and the non-readers are cut off past the output limit."""
    vm = vm_factory(guests["storm-timer"], monitors=3)
    flooder, hog, good = vm.client(0), vm.client(1), vm.client(2)
    rss0 = vm.status("VmRSS")

    def feed(client, line, total):
        client.sock.setblocking(False)
        sent = 0
        data = line * 256
        deadline = time.monotonic() + 60
        while sent < total and time.monotonic() < deadline:
            try:
                sent += client.sock.send(data)
            except BlockingIOError:
                time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                return True         # disconnected by the emulator
            # the well-behaved client is served all along (within a
            # second: the emulator is busy answering the flood meanwhile)
            if sent % (64 << 10) < len(data):
                times = latencies(good, rounds=3, gap=0)
                assert times[-1] < 1.0, times
        return False

    schema = b'{"execute":"query-qmp-schema"}\n'
    status = b'{"execute":"query-status"}\n'
    assert feed(hog, schema, 64 << 20), "the non-reader was never cut off"
    feed(flooder, status, 8 << 20)
    # once the flood has drained, answers are quick again
    flooder.close()
    assert latencies(good)[-1] < (0.3 if sanitized else 0.1)
    if not sanitized:   # ASan's quarantine keeps freed memory resident
        assert vm.status("VmRSS") - rss0 < 3 * (OUTBUF_LIMIT >> 10)
    # the cut-off monitor takes a new client
    again = vm.client(1)
    assert again.execute("query-status")["status"] == "running"


def test_half_open_clients_do_not_block_the_socket(vm_factory, guests):
    """Clients that connect and send nothing, or half a command, and then
    vanish: the monitor serves the next client."""
    vm = vm_factory(guests["wfi"])
    vm.client().close()         # the socket exists
    for partial in (b"", b'{"execute":"query-st'):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + 10
        while True:
            try:
                s.connect(vm.socks[0])
                break
            except BlockingIOError:
                # backlog 1, as QEMU: full until the previous one is taken
                assert time.monotonic() < deadline
                time.sleep(0.01)
        s.sendall(partial)
        s.close()
    qmp = vm.client()
    assert qmp.execute("query-status")["status"] == "running"
