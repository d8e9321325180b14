"""tcp_peer.py, the host's end of the Linux guest's TCP exchange, checked
on loopback without a guest: it must notice data that is not the pattern,
or the guest->host integrity checks in test_linux.py could not fail."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tcp_peer  # noqa: E402

TCP_PEER = Path(tcp_peer.__file__)


def test_pattern_is_the_documented_one():
    """Block k starts with k (little-endian u64); the rest is the filler
    (top bytes of xorshift32 from 0x2545F491), whatever the offset."""
    data = tcp_peer.pattern(0, 3 * tcp_peer.BLOCK)
    assert data[:8] == bytes(8)
    assert data[4096:4104] == (1).to_bytes(8, "little")
    assert data[8:4096] == data[4104:8192] == tcp_peer.FILLER_TAIL
    assert tcp_peer.pattern(4090, 20) == data[4090:4110]


@pytest.mark.parametrize("size", [1, 4096, 100000])
def test_check_accepts_the_pattern_in_any_pieces(size):
    check = tcp_peer.PatternCheck()
    data = tcp_peer.pattern(0, 300000)
    for at in range(0, len(data), size):
        check.feed(data[at:at + size])
    assert check.intact and check.count == 300000


@pytest.mark.parametrize("bad", [0, 7, 8, 4095, 4096, 123457])
def test_check_finds_the_first_wrong_byte(bad):
    data = bytearray(tcp_peer.pattern(0, 200000))
    data[bad] ^= 0x01
    data[bad + 50] ^= 0x80          # a later one does not move first_bad
    check = tcp_peer.PatternCheck()
    for at in range(0, len(data), 1500):
        check.feed(bytes(data[at:at + 1500]))
    assert not check.intact and check.first_bad == bad
    assert check.count == len(data)


def exchange(payload, rx=0, serve_args=()):
    """Runs `tcp_peer.py serve` on loopback and talks to it as a guest
    would: asks for RX bytes, then sends PAYLOAD.  Returns (the bytes it
    received, the reply line, the peer's `served` JSON)."""
    proc = subprocess.Popen([sys.executable, str(TCP_PEER), "serve", "--bind",
                             "127.0.0.1", "--timeout", "30", *serve_args],
                            stdout=subprocess.PIPE, text=True)
    try:
        port = json.loads(proc.stdout.readline())["port"]
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(f"QBTCP rx={rx} tx={len(payload)}\n".encode())
            got = b""
            while len(got) < rx:
                got += s.recv(65536)
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            reply = s.makefile().readline().strip()
        out, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
    return got, reply, json.loads(out.splitlines()[-1])


def test_peer_confirms_intact_data():
    _, reply, served = exchange(tcp_peer.pattern(0, 1 << 20))
    assert reply == f"QBTCP got={1 << 20} intact=yes"
    assert served["received_intact"] and served["first_bad"] is None


def test_peer_reports_a_flipped_byte():
    data = bytearray(tcp_peer.pattern(0, 1 << 20))
    data[777777] ^= 0xFF
    _, reply, served = exchange(bytes(data))
    assert reply == f"QBTCP got={1 << 20} intact=no"
    assert not served["received_intact"] and served["first_bad"] == 777777


def test_peer_corrupt_option_flips_what_it_sends():
    got, _, _ = exchange(b"", rx=10000, serve_args=["--corrupt", "5000"])
    check = tcp_peer.PatternCheck()
    check.feed(got)
    assert check.first_bad == 5000
