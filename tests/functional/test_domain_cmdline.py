"""The command line libvirt 9.0 builds for a domain (see
../shared/docs/libvirt-facts.md, "Domain start"), run without libvirt:
each option is accepted with its meaning, or refused with QEMU's message,
and refused input changes nothing (the process exits 1 before it starts).
"""

import os
import socket
import subprocess
import time

import pytest

from qmp import QMPClient
from uboot import UBOOT_M_MODE


def run(emulator, *args, timeout=30, **kwargs):
    return subprocess.run([emulator, "-display", "none", *args],
                          capture_output=True, text=True, timeout=timeout,
                          **kwargs)


BAD_INPUT = [
    (["-object", "memory-backend-ram,id=ram,size=256M"],
     "invalid object type: memory-backend-ram"),
    (["-object", '{"qom-type":"memory-backend-ram","id":"r","size":1}'],
     "invalid object type: memory-backend-ram"),
    (["-object", "secret,id=s"], "Either 'data' or 'file' must be provided"),
    (["-object", "secret,data=x"], "Parameter 'id' is missing"),
    (["-object", "secret,id=s,data=x,file=/etc/hostname"],
     "'data' and 'file' are mutually exclusive"),
    (["-object", "secret,id=s,file=/nonexistent"], "Unable to read "
     "/nonexistent"),
    (["-object", "secret,id=s,data=x,format=hex"],
     "Parameter 'format' does not accept value 'hex'"),
    (["-object", "secret,id=s,data=!!,format=base64"],
     "Unable to decode base64 data"),
    (["-object", "secret,id=s,data=x,keyid=k,iv=i"],
     "encrypted secrets (keyid=, iv=) are not supported"),
    (["-object", "secret,id=s,data=x,size=1"],
     "Property 'secret.size' not found"),
    (["-object", "secret,id=s,data=x", "-object", "secret,id=s,data=y"],
     "attempt to add duplicate property 's'"),
    (["-overcommit", "mem-lock=maybe"],
     "Parameter 'mem-lock' expects 'on' or 'off'"),
    (["-overcommit", "cpu-pm=on"], "cpu-pm=on is not supported"),
    (["-overcommit", "bogus=on"], "Invalid parameter 'bogus'"),
    (["-uuid", "not-a-uuid"], "Fail to parse UUID string."),
    (["-rtc", "base=2006-13-45"], "invalid datetime format"),
    (["-rtc", "clock=vm"], "clock=vm is not supported"),
    (["-rtc", "clock=bogus"], "invalid option value 'bogus'"),
    (["-rtc", "driftfix=slew"], "driftfix=slew is not supported"),
    (["-boot", "order=c"], "-boot order= is not supported"),
    (["-boot", "strict=maybe"], "Parameter 'strict' expects 'on' or 'off'"),
    (["-add-fd", "set=0"], "fd option is required"),
    (["-add-fd", "fd=1,set=0"], "fd cannot be a standard I/O stream"),
    (["-add-fd", "fd=1000,set=0"], "bad file descriptor 1000"),
    (["-add-fd", "fd=FD,set=x"], "set option is required"),
    (["-audiodev", "pa,id=a"], "Parameter 'driver' does not accept value "
     "'pa'"),
    (["-audiodev", '{"driver":"none"}'], "Parameter 'id' is missing"),
    (["-msg", "timestamp=yes please"], "Parameter 'timestamp' expects"),
    (["-M", "virt,usb=on"], "USB is not supported"),
    (["-M", "virt,dump-guest-core=sometimes"],
     "Parameter 'dump-guest-core' expects 'on' or 'off'"),
    (["-chardev", "pty,id=c,logfile=/nonexistent/dir/log"],
     "Could not open '/nonexistent/dir/log'"),
    (["-chardev", "pty,id=c,logfile=/dev/fdset/7"],
     "Could not open '/dev/fdset/7'"),
    (["-chardev", "socket,id=m,fd=FD,server=on,wait=off"],
     "is not a socket: Socket operation on non-socket"),
    (["-chardev", "socket,id=m,fd=1000,server=on,wait=off"],
     "fd=1000 is not a socket: Bad file descriptor"),
    (["-serial", "chardev:nope"], "chardev 'nope' not found"),
]


@pytest.mark.parametrize("args,message", BAD_INPUT,
                         ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input(emulator, tmp_path, args, message):
    # FD: an open fd that is not a listening socket (a plain file)
    plain = open(tmp_path / "plain", "w")
    fd = str(plain.fileno())
    args = [a.replace("FD", fd) for a in args]
    r = run(emulator, "-M", "virt", *args, pass_fds=[plain.fileno()])
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("qemu-system-riscv64: "), r.stderr
    assert message in r.stderr
    assert (tmp_path / "plain").read_text() == ""


def test_msg_timestamp(emulator):
    r = run(emulator, "-msg", "timestamp=on", "-M", "bogus")
    assert r.returncode == 1
    stamp, rest = r.stderr.split(" ", 1)
    assert stamp.endswith("Z") and "T" in stamp, r.stderr
    assert rest.startswith("qemu-system-riscv64: unsupported machine type")


class Domain:
    """The emulator started as libvirt starts it: a monitor socket bound
    and listening before the emulator runs (fd=), the console log opened
    by the caller and passed through -add-fd, a pty serial port."""

    def __init__(self, emulator, tmp_path, *extra):
        self.sock_path = str(tmp_path / "monitor.sock")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.sock_path)
        self.listener.listen(1)
        self.log_path = tmp_path / "console.log"
        self.log_path.write_text("old\n")
        self.log = open(self.log_path, "a")
        self.secret = tmp_path / "master-key.aes"
        self.secret.write_bytes(os.urandom(32))
        mon, log = self.listener.fileno(), self.log.fileno()
        self.argv = [
            emulator, "-name", "guest=rv,debug-threads=on", "-S",
            "-object", f"secret,id=masterKey0,format=raw,file={self.secret}",
            "-machine", "virt,usb=off,dump-guest-core=off", "-accel", "tcg",
            "-m", "256", "-overcommit", "mem-lock=off",
            "-smp", "1,sockets=1,cores=1,threads=1",
            "-uuid", "bc464198-88fb-4a8e-9847-79d44ac22815",
            "-display", "none", "-no-user-config", "-nodefaults",
            "-chardev", f"socket,id=charmonitor,fd={mon},server=on,wait=off",
            "-mon", "chardev=charmonitor,id=monitor,mode=control",
            "-rtc", "base=utc", "-no-shutdown", "-boot", "strict=on",
            "-add-fd", f"set=0,fd={log},opaque=serial0-log",
            "-chardev", "pty,id=charserial0,logfile=/dev/fdset/0,"
                        "logappend=on",
            "-serial", "chardev:charserial0",
            "-audiodev", '{"id":"audio1","driver":"none"}',
            "-msg", "timestamp=on", *extra]
        self.proc = subprocess.Popen(self.argv, pass_fds=[mon, log],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        # as libvirt: our copies close once the emulator has its own
        self.listener.close()
        self.log.close()

    def client(self):
        c = QMPClient(self.sock_path)
        c.connect()
        return c

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def domain(emulator, tmp_path):
    # Firmware that waits at its prompt once `cont` runs it: with no code at
    # all the hart would fault in a loop and the emulator exit at once.
    d = Domain(emulator, tmp_path, "-bios", UBOOT_M_MODE)
    yield d
    d.close()


def test_libvirt_domain_line_is_accepted(domain):
    with domain.client() as qmp:
        assert qmp.execute("query-status")["status"] == "prelaunch"
        qmp.execute("quit")
    assert domain.proc.wait(timeout=10) == 0, domain.proc.stderr.read()
    # the log was appended to, through the fd set
    assert domain.log_path.read_text().startswith("old\n")


def test_domain_start_queries(domain):
    """What libvirt asks right after start, answered from what exists."""
    with domain.client() as qmp:
        chardevs = {c["label"]: c for c in qmp.execute("query-chardev")}
        serial = chardevs["charserial0"]
        assert serial["filename"].startswith("pty:/dev/pts/")
        assert serial["frontend-open"] is True
        assert chardevs["charmonitor"]["frontend-open"] is True
        assert os.path.exists(serial["filename"][4:])
        assert qmp.execute("query-named-block-nodes", flat=True) == []
        assert qmp.execute("query-block") == []
        assert qmp.execute("query-uuid") == \
            {"UUID": "bc464198-88fb-4a8e-9847-79d44ac22815"}
        cpus = qmp.execute("query-cpus-fast")
        assert [(c["cpu-index"], c["qom-path"], c["thread-id"], c["target"])
                for c in cpus] == [(0, "/machine/soc0/harts[0]",
                                    domain.proc.pid, "riscv64")]
        assert qmp.execute_args("qom-list", {"path": "/machine/peripheral"}) \
            == [{"name": "type", "type": "string"}]
        qmp.execute_args("device_add", {"driver": "pcie-root-port",
                                        "id": "pci.1", "chassis": 1})
        qmp.execute_args("device_add", {"driver": "pcie-root-port",
                                        "chassis": 2})
        assert qmp.execute_args("qom-list", {"path": "/machine/peripheral"}) \
            == [{"name": "type", "type": "string"},
                {"name": "pci.1", "type": "child<pcie-root-port>"}]
        anon = qmp.execute_args("qom-list",
                                {"path": "/machine/peripheral-anon"})
        assert anon[1:] == [{"name": "device[0]",
                             "type": "child<pcie-root-port>"}]
        props = qmp.execute_args("qom-list",
                                 {"path": "/machine/peripheral/pci.1"})
        assert {"name": "chassis", "type": "uint32"} in props
        with pytest.raises(Exception, match="DeviceNotFound"):
            qmp.execute_args("qom-list", {"path": "/machine/peripheral/x"})
        qmp.execute("cont")
        assert qmp.execute("query-status")["status"] == "running"
        qmp.execute("quit")
    assert domain.proc.wait(timeout=10) == 0


def test_pty_console_and_log(emulator, tmp_path):
    """A guest's console output reaches the pty's client and the log."""
    d = Domain(emulator, tmp_path, "-bios", "default")
    try:
        with d.client() as qmp:
            chardevs = {c["label"]: c for c in qmp.execute("query-chardev")}
            pts = chardevs["charserial0"]["filename"][4:]
            fd = os.open(pts, os.O_RDWR | os.O_NOCTTY)
            qmp.execute("cont")
            seen = b""
            deadline = time.monotonic() + 60
            while b"OpenSBI" not in seen and time.monotonic() < deadline:
                try:
                    seen += os.read(fd, 4096)
                except BlockingIOError:
                    time.sleep(0.1)
            os.close(fd)
            assert b"OpenSBI" in seen
            qmp.execute("quit")
        d.proc.wait(timeout=10)
        log = d.log_path.read_text(errors="replace")
        assert log.startswith("old\n") and "OpenSBI" in log
    finally:
        d.close()


def test_balloon(emulator, tmp_path):
    """libvirt's default balloon: present, queried, given a target."""
    d = Domain(emulator, tmp_path, "-bios", "none", "-device",
               "virtio-balloon-pci,id=balloon0")
    try:
        with d.client() as qmp:
            assert qmp.execute("query-balloon") == {"actual": 256 << 20}
            qmp.execute("balloon", value=128 << 20)
            r = qmp.command("balloon", value=0)
            assert "expects a size" in r["error"]["desc"]
            r = qmp.command("device_add", driver="virtio-balloon-pci")
            assert r["error"]["desc"] == ("Only one balloon device is "
                                          "supported")
            peripheral = qmp.execute_args("qom-list",
                                          {"path": "/machine/peripheral"})
            assert {"name": "balloon0",
                    "type": "child<virtio-balloon-pci>"} in peripheral
            qmp.execute("quit")
    finally:
        d.close()


def test_no_balloon(domain):
    with domain.client() as qmp:
        r = qmp.command("query-balloon")
        assert r["error"]["class"] == "DeviceNotActive"
        r = qmp.command("balloon", value=1 << 20)
        assert r["error"]["class"] == "DeviceNotActive"
        qmp.execute("quit")
