"""The host's end of the Linux test guest's TCP exchange (stdlib only).

Run it inside the sandbox, next to the guest:

  tcp_peer.py serve [--bind 10.0.2.1] [--port 0] [--conns 1] [--timeout S]
                    [--corrupt OFFSET]
      Listens (port 0: any free port) and serves guests started with
      qb.tcp=IP:PORT.  Prints one JSON line when listening
      ({"event": "listening", "port": P}) and one per connection
      ({"event": "served", ...}), then exits.  --corrupt flips the byte at
      that offset of what it sends, to show that the receiver notices.

  tcp_peer.py connect --host H --port P [--rx N] [--tx N] [--timeout S]
      Connects to a guest in listen mode (qb.listen=PORT), e.g. through a
      -netdev user hostfwd; receives N bytes and sends N bytes.  Prints one
      JSON line ({"event": "connected", ...}).

The exchange and the data pattern are specified at the top of
tests/guest/init.c; both ends send the pattern and compare what they
receive with it, byte for byte.  The JSON lines say how many bytes went
each way and whether what arrived was intact (with the offset of the first
wrong byte when it was not).
A failure prints {"event": "error", "error": ...} and exits 1.
"""

import argparse
import json
import socket
import struct
import sys
import time

BLOCK = 4096
CHUNK = 64 * 1024


def _filler():
    x, out = 0x2545F491, bytearray(BLOCK)
    for i in range(BLOCK):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x >> 24
    return bytes(out[8:])


FILLER_TAIL = _filler()


def pattern(offset, nbytes):
    """NBYTES of the pattern from stream offset OFFSET."""
    first, skip = divmod(offset, BLOCK)
    blocks = -(-(skip + nbytes) // BLOCK)
    data = b"".join(struct.pack("<Q", first + i) + FILLER_TAIL
                    for i in range(blocks))
    return data[skip:skip + nbytes]


class PatternCheck:
    """Compares a received stream with the pattern as it arrives."""

    def __init__(self):
        self.count = 0
        self.first_bad = None

    def feed(self, data):
        if self.first_bad is None:
            want = pattern(self.count, len(data))
            if data != want:
                i = next(i for i, (a, b) in enumerate(zip(data, want))
                         if a != b)
                self.first_bad = self.count + i
        self.count += len(data)

    @property
    def intact(self):
        return self.first_bad is None


def send_pattern(sock, nbytes, corrupt=None):
    """Sends NBYTES of the pattern, the byte at CORRUPT flipped if given."""
    sent = 0
    while sent < nbytes:
        data = pattern(sent, min(nbytes - sent, CHUNK))
        if corrupt is not None and sent <= corrupt < sent + len(data):
            flipped = bytearray(data)
            flipped[corrupt - sent] ^= 0xFF
            data = bytes(flipped)
        sock.sendall(data)
        sent += len(data)


def recv_checked(sock, limit=None):
    """Receives until EOF (or LIMIT bytes); returns a PatternCheck."""
    check = PatternCheck()
    while limit is None or check.count < limit:
        want = CHUNK if limit is None else min(CHUNK, limit - check.count)
        data = sock.recv(want)
        if not data:
            break
        check.feed(data)
    return check


def yes_no(flag):
    return "yes" if flag else "no"


def recv_line(sock, limit=256):
    line = b""
    while not line.endswith(b"\n"):
        byte = sock.recv(1)
        if not byte or len(line) > limit:
            raise ConnectionError(f"no complete line (got {line!r})")
        line += byte
    return line.decode(errors="replace").strip()


def parse_fields(line, prefix):
    words = line.split()
    if not words or words[0] != prefix:
        raise ConnectionError(f"unexpected line {line!r}")
    return dict(w.split("=", 1) for w in words[1:] if "=" in w)


def emit(**fields):
    print(json.dumps(fields), flush=True)


def serve(args):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.bind, args.port))
    listener.listen(4)
    listener.settimeout(args.timeout)
    emit(event="listening", address=args.bind, port=listener.getsockname()[1])
    for _ in range(args.conns):
        conn, peer = listener.accept()
        conn.settimeout(args.timeout)
        with conn:
            request = parse_fields(recv_line(conn), "QBTCP")
            rx, tx = int(request["rx"]), int(request["tx"])
            start = time.monotonic()
            send_pattern(conn, rx, args.corrupt)
            sent_at = time.monotonic()
            got = recv_checked(conn)
            done = time.monotonic()
            conn.sendall(f"QBTCP got={got.count} "
                         f"intact={yes_no(got.intact)}\n".encode())
            emit(event="served", peer=f"{peer[0]}:{peer[1]}",
                 sent_bytes=rx, send_ms=round((sent_at - start) * 1000, 1),
                 received_bytes=got.count, received_intact=got.intact,
                 first_bad=got.first_bad, expected_bytes=tx,
                 recv_ms=round((done - sent_at) * 1000, 1))


def connect(args):
    deadline = time.monotonic() + args.timeout
    while True:         # a hostfwd port accepts before the guest listens
        try:
            conn = socket.create_connection((args.host, args.port),
                                            timeout=args.timeout)
            conn.settimeout(args.timeout)
            banner = recv_line(conn)
            break
        except (OSError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    with conn:
        if banner != "QBLISTEN hello":
            raise ConnectionError(f"unexpected banner {banner!r}")
        conn.sendall(f"QBTCP rx={args.rx} tx={args.tx}\n".encode())
        start = time.monotonic()
        got = recv_checked(conn, args.rx)
        received_at = time.monotonic()
        send_pattern(conn, args.tx)
        conn.shutdown(socket.SHUT_WR)
        reply = parse_fields(recv_line(conn), "QBTCP")
        done = time.monotonic()
        emit(event="connected", banner=banner,
             received_bytes=got.count, received_intact=got.intact,
             first_bad=got.first_bad,
             recv_ms=round((received_at - start) * 1000, 1),
             sent_bytes=args.tx, send_ms=round((done - received_at) * 1000, 1),
             peer_got=int(reply["got"]), peer_intact=reply["intact"] == "yes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--bind", default="10.0.2.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--conns", type=int, default=1)
    s.add_argument("--timeout", type=float, default=120)
    s.add_argument("--corrupt", type=int, metavar="OFFSET")
    c = sub.add_parser("connect")
    c.add_argument("--host", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--rx", type=int, default=1 << 20)
    c.add_argument("--tx", type=int, default=1 << 20)
    c.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    try:
        (serve if args.mode == "serve" else connect)(args)
    except (OSError, ConnectionError, KeyError, ValueError) as e:
        emit(event="error", error=f"{type(e).__name__}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
