"""A small QMP client, wire-compatible with QEMU's protocol.

It speaks to our emulator and to QEMU alike: reads the greeting,
negotiates capabilities, sends commands with ids and matches replies by
id, collects events that arrive in between, and passes file descriptors
with SCM_RIGHTS (for getfd).  Raw access (send_raw/recv_line) exists for
tests that feed malformed input on purpose.
"""

import json
import socket
import time


class QMPError(Exception):
    """An error reply: .error_class and .desc as QMP gives them."""

    def __init__(self, reply):
        self.reply = reply
        self.error_class = reply["error"].get("class")
        self.desc = reply["error"].get("desc")
        super().__init__(f"{self.error_class}: {self.desc}")


class QMPClient:
    def __init__(self, address, timeout=30.0):
        """ADDRESS: a unix socket path, or (host, port) for tcp."""
        self.timeout = timeout
        self.events = []
        self.greeting = None
        self._buf = b""
        self._next_id = 0
        deadline = time.monotonic() + timeout
        while True:
            try:
                if isinstance(address, tuple):
                    self.sock = socket.create_connection(address, timeout=timeout)
                else:
                    self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    self.sock.settimeout(timeout)
                    self.sock.connect(str(address))
                break
            except (FileNotFoundError, ConnectionRefusedError,
                    BlockingIOError):
                # not listening yet, or its backlog (1, as QEMU's) is full
                if not isinstance(address, tuple):
                    self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- raw ---------------------------------------------------------------

    def send_raw(self, data, fds=()):
        if isinstance(data, str):
            data = data.encode()
        if fds:
            socket.send_fds(self.sock, [data], list(fds))
        else:
            self.sock.sendall(data)

    def recv_line(self):
        """One JSON message (a CRLF-terminated line), parsed."""
        while b"\n" not in self._buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("QMP connection closed")
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return json.loads(line)

    # -- protocol ----------------------------------------------------------

    def connect(self, negotiate=True):
        self.greeting = self.recv_line()
        assert "QMP" in self.greeting, self.greeting
        if negotiate:
            self.execute("qmp_capabilities")
        return self.greeting

    def reply_to(self, msg_id):
        """The reply carrying MSG_ID; events before it are kept."""
        while True:
            msg = self.recv_line()
            if "event" in msg:
                self.events.append(msg)
                continue
            if msg.get("id") == msg_id:
                return msg
            raise AssertionError(f"unexpected message {msg}")

    def command(self, _name, fds=(), **arguments):
        """Sends NAME with ARGUMENTS as given (names with '-' need
        execute_args); returns the whole reply (return or error)."""
        self._next_id += 1
        msg_id = f"c{self._next_id}"
        request = {"execute": _name, "id": msg_id}
        if arguments:
            request["arguments"] = arguments
        self.send_raw(json.dumps(request) + "\n", fds)
        return self.reply_to(msg_id)

    def execute(self, _name, fds=(), **arguments):
        """Sends _NAME; returns its "return" value or raises QMPError."""
        reply = self.command(_name, fds=fds, **arguments)
        if "error" in reply:
            raise QMPError(reply)
        return reply["return"]

    def execute_args(self, name, arguments, fds=()):
        """Like execute, with the arguments object given as is."""
        self._next_id += 1
        msg_id = f"c{self._next_id}"
        self.send_raw(json.dumps({"execute": name, "arguments": arguments,
                                  "id": msg_id}) + "\n", fds)
        reply = self.reply_to(msg_id)
        if "error" in reply:
            raise QMPError(reply)
        return reply["return"]

    def hmp(self, command_line):
        return self.execute_args("human-monitor-command",
                                 {"command-line": command_line})

    def wait_event(self, name, timeout=None):
        """The first event called NAME (kept ones first)."""
        for i, event in enumerate(self.events):
            if event["event"] == name:
                return self.events.pop(i)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {name} event")
            self.sock.settimeout(remaining)
            try:
                msg = self.recv_line()
            finally:
                self.sock.settimeout(self.timeout)
            if msg.get("event") == name:
                return msg
            self.events.append(msg)
