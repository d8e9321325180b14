"""QMP against `qemu-system-riscv64 -M none`, over real sockets.

The client (qmp.py) is the same one that talks to QEMU 7.2; these tests
check the protocol (greeting, negotiation, ids, errors, recovery, events,
fd passing), the command set and schema, and the monitor transports.
"""

import json
import os
import socket
import subprocess
import time

import pytest

from qmp import QMPClient, QMPError


class Emulator:
    """One emulator process with a QMP socket; killed at the end."""

    def __init__(self, binary, tmp_path, *extra):
        self.sock = str(tmp_path / "qmp.sock")
        self.argv = [binary, "-M", "none", "-display", "none",
                     "-qmp", f"unix:{self.sock},server=on,wait=off", *extra]
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def client(self, negotiate=True):
        c = QMPClient(self.sock)
        c.connect(negotiate=negotiate)
        return c

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def vm(emulator, tmp_path):
    e = Emulator(emulator, tmp_path)
    yield e
    e.close()


@pytest.fixture
def qmp(vm):
    with vm.client() as c:
        yield c


def test_greeting_and_negotiation(vm):
    with vm.client(negotiate=False) as c:
        greeting = c.greeting["QMP"]
        assert set(greeting["version"]["qemu"]) == {"major", "minor", "micro"}
        assert greeting["version"]["qemu"] == {"major": 7, "minor": 2, "micro": 0}
        assert greeting["version"]["package"].startswith("qemu-bridge ")
        assert greeting["capabilities"] == ["oob"]
        reply = c.command("query-version")
        assert reply["error"] == {
            "class": "CommandNotFound",
            "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}
        assert c.execute("qmp_capabilities") == {}
        assert c.execute("query-version") == greeting["version"]
        with pytest.raises(QMPError) as e:
            c.execute("qmp_capabilities")
        assert e.value.error_class == "CommandNotFound"
        assert "already complete" in e.value.desc


def test_ids_are_echoed(qmp):
    for msg_id in ["x", 7, {"a": [1, 2]}, None, 1.5]:
        qmp.send_raw(json.dumps({"execute": "query-status", "id": msg_id}))
        reply = qmp.recv_line()
        assert reply["id"] == msg_id
        assert reply["return"]["status"] == "running"
    qmp.send_raw('{"execute": "nosuch", "id": "e1"}')
    reply = qmp.recv_line()
    assert reply == {"id": "e1", "error": {
        "class": "CommandNotFound", "desc": "The command nosuch has not been found"}}


def test_query_commands_lists_every_command(qmp):
    listed = {c["name"] for c in qmp.execute("query-commands")}
    schema = qmp.execute("query-qmp-schema")
    in_schema = {e["name"] for e in schema if e["meta-type"] == "command"}
    assert listed == in_schema
    assert {"qmp_capabilities", "query-version", "query-commands", "quit",
            "query-status", "stop", "cont", "system_reset", "system_powerdown",
            "netdev_add", "netdev_del", "set_link", "device_add", "device_del",
            "getfd", "closefd", "human-monitor-command",
            "query-qmp-schema"} <= listed


def test_schema_has_bridge_options(qmp):
    schema = {e["name"]: e for e in qmp.execute("query-qmp-schema")}
    bridge = schema["NetdevBridgeOptions"]
    assert bridge["meta-type"] == "object"
    members = {m["name"]: m for m in bridge["members"]}
    assert set(members) == {"br", "helper"}
    assert all(m["type"] == "str" and "default" in m for m in members.values())
    drivers = schema["NetClientDriver"]
    assert {"bridge", "tap", "user", "hubport"} <= {
        v["name"] if isinstance(v, dict) else v
        for v in drivers.get("members", drivers.get("values", []))}


@pytest.mark.parametrize("arguments, error", [
    ({"type": "user"}, "Parameter 'id' is missing"),
    ({"type": "user", "id": "0abc"}, "Parameter 'id' expects an identifier"),
    ({"type": "user", "id": "u0", "bogus": 1}, "Parameter 'bogus' is unexpected"),
    ({"type": "frob", "id": "u0"}, "frob"),
    ({"id": "u0"}, "Parameter 'type' is missing"),
    ({"type": "bridge", "id": "b0", "br": 5}, "br"),
    ({"type": "tap", "id": "t0", "vhost": True}, "vhost-net is not supported"),
    ({"type": "tap", "id": "t0", "fd": "nosuchfd"},
     "File descriptor named 'nosuchfd' has not been found"),
    ({"type": "user", "id": "u0", "net": "10.0.2.0/33"}, "net"),
])
def test_netdev_add_errors(qmp, arguments, error):
    with pytest.raises(QMPError) as e:
        qmp.execute_args("netdev_add", arguments)
    assert e.value.error_class == "GenericError"
    assert error in e.value.desc
    assert "u0" not in qmp.hmp("info network")


def test_netdev_add_del_user(qmp):
    qmp.execute_args("netdev_add", {"type": "user", "id": "u0"})
    with pytest.raises(QMPError, match="Duplicate ID 'u0' for netdev"):
        qmp.execute_args("netdev_add", {"type": "user", "id": "u0"})
    assert qmp.hmp("info network") == \
        "u0: index=0,type=user,net=10.0.2.0,restrict=off\r\n"
    qmp.execute("netdev_del", id="u0")
    with pytest.raises(QMPError) as e:
        qmp.execute("netdev_del", id="u0")
    assert e.value.error_class == "DeviceNotFound"
    assert e.value.desc == "Device 'u0' not found"
    with pytest.raises(QMPError) as e:
        qmp.execute("set_link", name="nosuch", up=False)
    assert e.value.error_class == "DeviceNotFound"


def test_malformed_input_then_working_command(qmp):
    battery = [
        b"{]", b"]", b"}", b"[1,]", b'{"a" 1}', b'{"a":1,}', b'"\\u12"',
        b'"\\ud800"', b'"\x01"', b'"\xc0\x80"', b"\xff", b"nul", b"tru",
        b"01", b"-", b"42", b'"just a string"', b"[]",
        b'{"execute": 1}', b'{"execute": "query-status", "arguments": []}',
        b'{"execute": "query-status", "bogus": true}', b'{"arguments": {}}',
        b'{"execute": "netdev_del"}',
    ]
    for bad in battery:
        qmp.send_raw(bad + b"\n")
        qmp.send_raw('{"execute": "query-status", "id": "ok"}\n')
        replies = []
        while True:
            msg = qmp.recv_line()
            replies.append(msg)
            if msg.get("id") == "ok":
                break
        assert "error" in replies[0], (bad, replies)
        assert replies[-1]["return"]["status"] == "running", (bad, replies)


def test_nesting_limit(qmp):
    """1024 levels (the request object counts as one) are read; 1025 are a
    parse error; the next command works."""
    def request(depth):
        arrays = depth - 2                  # request object, arguments object
        return ('{"execute": "query-status", "arguments": {"x": %s%s}}\n'
                % ("[" * arrays, "]" * arrays))
    qmp.send_raw(request(1024))
    reply = qmp.recv_line()
    assert reply["error"]["desc"] == "Parameter 'x' is unexpected"
    qmp.send_raw(request(1025))
    reply = qmp.recv_line()
    assert reply["error"]["desc"].startswith("JSON parse error")
    assert "nest" in reply["error"]["desc"].lower()
    assert qmp.execute("query-status")["running"] is True


def test_getfd_closefd_and_tap_fd_by_name(vm, qmp):
    before = vm.fd_count()
    r, w = os.pipe()
    try:
        with pytest.raises(QMPError, match="No file descriptor supplied"):
            qmp.execute("getfd", fdname="nofd")
        qmp.execute("getfd", fds=[r], fdname="pipe0")
        assert vm.fd_count() == before + 1
        qmp.execute("closefd", fdname="pipe0")
        assert vm.fd_count() == before
        with pytest.raises(QMPError, match="'pipe0' not found"):
            qmp.execute("closefd", fdname="pipe0")
    finally:
        os.close(r)
        os.close(w)

    # A packet socket stands in for a tap opened by a manager (libvirt).
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        qmp.execute("getfd", fds=[theirs.fileno()], fdname="tapfd")
        qmp.execute_args("netdev_add", {"type": "tap", "id": "t0",
                                        "fd": "tapfd"})
        info = qmp.hmp("info network")
        assert info.startswith("t0: index=0,type=tap,fd=")
        qmp.execute("netdev_del", id="t0")
        assert vm.fd_count() == before
    finally:
        ours.close()
        theirs.close()


def test_runstate_commands_and_events(qmp):
    assert qmp.execute("query-status") == {"running": True, "status": "running"}
    qmp.execute("stop")
    assert qmp.wait_event("STOP")["event"] == "STOP"
    assert qmp.execute("query-status") == {"running": False, "status": "paused"}
    assert qmp.hmp("info status") == "VM status: paused\r\n"
    qmp.execute("cont")
    event = qmp.wait_event("RESUME")
    assert set(event["timestamp"]) == {"seconds", "microseconds"}
    qmp.execute("system_powerdown")
    assert qmp.wait_event("POWERDOWN")["event"] == "POWERDOWN"


def test_hmp_info(qmp):
    assert qmp.hmp("info version").startswith("7.2.0 (qemu-bridge ")
    assert qmp.hmp("info status") == "VM status: running\r\n"
    assert qmp.hmp("info nosuch") == "unknown command: 'info nosuch'\r\n"
    assert qmp.hmp("frobnicate") == "unknown command: 'frobnicate'\r\n"


def test_quit_exits_zero(vm, qmp):
    assert qmp.execute("quit") == {}
    assert qmp.wait_event("SHUTDOWN")["data"] == {"guest": False,
                                                 "reason": "host-qmp-quit"}
    assert vm.proc.wait(timeout=10) == 0
    assert not os.path.exists(vm.sock)


def test_start_paused(emulator, tmp_path):
    e = Emulator(emulator, tmp_path, "-S")
    try:
        with e.client() as c:
            assert c.execute("query-status") == {"running": False,
                                                 "status": "prelaunch"}
            c.execute("cont")
            assert c.execute("query-status")["status"] == "running"
    finally:
        e.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_several_monitors(emulator, tmp_path):
    port = free_port()
    chardev_sock = str(tmp_path / "mon.sock")
    e = Emulator(emulator, tmp_path,
                 "-qmp", f"tcp:127.0.0.1:{port},server=on,wait=off",
                 "-chardev", f"socket,id=mon0,path={chardev_sock},server=on,wait=off",
                 "-mon", "chardev=mon0,mode=control")
    try:
        clients = [e.client(), QMPClient(("127.0.0.1", port)),
                   QMPClient(chardev_sock)]
        for c in clients[1:]:
            c.connect()
        clients[0].execute("stop")
        for c in clients:
            assert c.wait_event("STOP")["event"] == "STOP"
        assert clients[2].execute("query-status")["status"] == "paused"
        # A client leaving and another arriving gets a fresh session.
        clients[1].close()
        again = QMPClient(("127.0.0.1", port))
        again.connect(negotiate=False)
        assert "Expecting capabilities" in \
            again.command("query-status")["error"]["desc"]
        again.close()
        for c in (clients[0], clients[2]):
            c.close()
    finally:
        e.close()


def test_qmp_on_stdio(emulator):
    proc = subprocess.Popen([emulator, "-M", "none", "-display", "none",
                             "-qmp", "stdio"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        greeting = json.loads(proc.stdout.readline())
        assert "QMP" in greeting
        proc.stdin.write('{"execute": "qmp_capabilities"}\n'
                         '{"execute": "query-status", "id": 1}\n'
                         '{"execute": "quit"}\n')
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline()) == {"return": {}}
        assert json.loads(proc.stdout.readline())["return"]["running"] is True
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_netdev_add_del_is_flat(vm, qmp, sanitized):
    """500 rounds of netdev_add/netdev_del leave fds and RSS flat."""
    def rounds(n):
        for i in range(n):
            qmp.execute_args("netdev_add", {"type": "user", "id": f"n{i}"})
            qmp.execute("netdev_del", id=f"n{i}")
    rounds(50)                          # warm up allocators
    fds, rss = vm.fd_count(), vm.rss_kib()
    rounds(500)
    assert vm.fd_count() == fds
    if not sanitized:
        assert vm.rss_kib() - rss < 2048, (rss, vm.rss_kib())


def test_bad_qmp_options(emulator, tmp_path):
    for args, message in [
        (["-qmp", "frob:x"], "'frob:x' is not a valid char driver"),
        (["-mon", "chardev=nosuch,mode=control"], 'chardev "nosuch" not found'),
        (["-chardev", "socket,path=/tmp/x,server=on"], "Parameter 'id' is missing"),
        (["-chardev", f"socket,id=c,path={tmp_path}/s,server=off"],
         "only server=on"),
    ]:
        result = subprocess.run([emulator, "-M", "none", "-display", "none",
                                 *args], capture_output=True, text=True,
                                timeout=30)
        assert result.returncode == 1, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert result.stderr.startswith("qemu-system-riscv64: ")


def test_device_list_properties(qmp):
    props = {p["name"]: p for p in qmp.execute(
        "device-list-properties", typename="virtio-net-pci")}
    assert {"netdev", "mac", "addr", "disable-legacy"} <= set(props)
    assert props["addr"]["type"] == "int32"
    assert props["addr"]["default-value"] == -1
    assert props["disable-legacy"]["default-value"] == "auto"
    assert "default-value" not in props["netdev"]
    with pytest.raises(QMPError) as e:
        qmp.execute("device-list-properties", typename="nosuch")
    assert e.value.error_class == "DeviceNotFound"


@pytest.mark.parametrize("arguments, error", [
    ({"id": "x"}, "Parameter 'driver' is missing"),
    ({"driver": 5}, "Invalid parameter type for 'driver', expected: string"),
    ({"driver": "nosuch"}, "'nosuch' is not a valid device model name"),
    ({"driver": "virtio-net-pci", "bootindex": "1"},
     "No 'PCI' bus found for device 'virtio-net-pci'"),
])
def test_device_add_errors_without_buses(qmp, arguments, error):
    with pytest.raises(QMPError) as e:
        qmp.execute_args("device_add", arguments)
    assert e.value.desc == error
