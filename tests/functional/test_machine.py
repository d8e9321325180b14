"""The machine side of qemu-system-riscv64: Debian's U-Boot and OpenSBI boot
on the virt board, an idle guest leaves the host idle, broken guests and bad
command lines get clear errors.

Bare-metal guests come from tests/guest-bare (the guests fixture of
conftest.py builds them).
"""

import os
import re
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import pexpect
import pytest

from uboot import UBOOT_M_MODE, UBOOT_S_MODE, command, stop_autoboot

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"


@pytest.fixture(scope="session")
def qemu(build_dir):
    path = build_dir / "qemu-system-riscv64"
    assert path.exists(), f"{path} not built"
    return str(path)


def spawn(qemu, *args, timeout=30, env=None):
    return pexpect.spawn(qemu, list(args), encoding="utf-8",
                         codec_errors="replace", timeout=timeout,
                         env=None if env is None else {**os.environ, **env})


def finish(console, timeout=10):
    console.expect(pexpect.EOF, timeout=timeout)
    console.close()
    return console.exitstatus


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---- real guests ----

def test_uboot_m_mode(qemu):
    c = spawn(qemu, "-M", "virt", "-nographic", "-bios", UBOOT_M_MODE)
    c.expect("U-Boot 2023")
    c.expect("DRAM:  128 MiB")
    stop_autoboot(c)
    assert "U-Boot 2023.01" in command(c, "version")
    assert "printenv" in command(c, "help")
    out = command(c, "md 0x80000000 4")
    # the first word of U-Boot itself: csrr a0, mhartid
    assert "80000000: f1402573" in out
    assert "bootcmd=" in command(c, "printenv")
    c.sendline("poweroff")
    assert finish(c) == 0


def test_opensbi_then_s_mode_uboot(qemu):
    c = spawn(qemu, "-M", "virt", "-nographic", "-bios", "default",
              "-kernel", UBOOT_S_MODE)
    c.expect("OpenSBI v1.1")
    c.expect(r"Platform Name\s+: riscv-virtio,qemu")
    c.expect(r"Platform Console Device\s+: uart8250")
    c.expect(r"Domain0 Next Address\s+: 0x0000000080200000")
    stop_autoboot(c)
    assert "U-Boot 2023.01" in command(c, "version")
    c.sendline("poweroff")      # through SBI system reset to sifive_test
    assert finish(c) == 0


@pytest.mark.parametrize("accel,env,jit", [
    ("tcg,tb-size=1,thread=single,split-wx=off", None, r"/1048576\r?\n"),
    ("tcg", None, r"/33554432\r?\n"),
    ("tcg", {"QEMU_RISCV_JIT": "0"}, "Translation is off"),
], ids=["1 MiB code buffer", "default", "interpreter only"])
def test_opensbi_uboot_accel_settings(qemu, accel, env, jit):
    """The translator's settings change speed, not behaviour: OpenSBI and
    U-Boot boot and work with each; `info jit` in the monitor shows the
    buffer size chosen (and blocks translated), or that translation is
    off."""
    c = spawn(qemu, "-M", "virt", "-nographic", "-accel", accel, "-bios",
              "default", "-kernel", UBOOT_S_MODE, env=env)
    c.expect("OpenSBI v1.1")
    stop_autoboot(c)
    assert "U-Boot 2023.01" in command(c, "version")
    assert "bootcmd=" in command(c, "printenv")
    c.sendcontrol("a")
    c.send("c")
    c.expect(r"\(qemu\) ")
    c.send("info jit\r")
    c.expect(r"\(qemu\) ")
    assert re.search(jit, c.before), c.before
    if "Translation is off" not in c.before:
        blocks = int(re.search(r"TB count +(\d+)", c.before).group(1))
        assert blocks > 100, c.before
    c.send("quit\r")
    assert finish(c) == 0


def test_uboot_reset_reboots(qemu):
    c = spawn(qemu, "-nographic", "-bios", UBOOT_M_MODE)
    stop_autoboot(c)
    c.sendline("reset")
    c.expect("U-Boot 2023")     # the images are loaded again at reset
    stop_autoboot(c)
    c.sendline("poweroff")
    assert finish(c) == 0


def test_uboot_smp(qemu):
    c = spawn(qemu, "-nographic", "-smp", "2", "-bios", "default",
              "-kernel", UBOOT_S_MODE)
    c.expect(r"Platform HART Count\s+: 2")
    stop_autoboot(c)
    c.sendline("poweroff")
    assert finish(c) == 0


def test_console_escapes(qemu):
    c = spawn(qemu, "-nographic", "-bios", UBOOT_M_MODE)
    stop_autoboot(c)
    c.send("\x01h")
    c.expect_exact("C-a x    exit emulator")
    c.send("\x01c")
    c.expect_exact("(qemu) ")           # the monitor; test_monitor_console
    c.send("\x01c")
    c.send("\x01x")
    c.expect_exact("QEMU: Terminated")
    assert finish(c) == 0


STTY_FLAGS = ("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo -e isig "
              "-e icrnl | sort | tr '\\n' ' '; echo")


def shell_stty(sh):
    sh.sendline(STTY_FLAGS)
    sh.expect(r"(\w+ \w+ \w+ \w+) \r?\n")
    return sh.match.group(1)


@pytest.mark.parametrize("mode", ["mon:stdio", "stdio"])
def test_terminal_restored(qemu, mode):
    """Raw mode on the user's terminal: keys reach the guest (with
    mon:stdio even Ctrl-C), and the terminal is restored on exit, whether
    by Ctrl-A x or by SIGINT."""
    sh = pexpect.spawn("/bin/sh", encoding="utf-8", timeout=30,
                       env={"PS1": "$ ", "PATH": os.environ["PATH"]})
    sh.expect_exact("$ ")
    before = shell_stty(sh)
    assert before == "echo icanon icrnl isig"
    sh.sendline(f"{qemu} -display none -serial {mode} -bios {UBOOT_M_MODE}")
    stop_autoboot(sh)
    sh.send("\x03")
    if mode == "mon:stdio":
        sh.expect_exact("=> ")          # U-Boot got the Ctrl-C
        sh.send("\x01x")
        sh.expect_exact("QEMU: Terminated")
    else:
        sh.expect("terminating on signal 2")
    sh.expect_exact("$ ")
    assert shell_stty(sh) == before
    sh.sendline("exit")
    sh.expect(pexpect.EOF)


# ---- bare-metal guests ----

def test_wfi_guest_idles_and_wakes(qemu, guests):
    c = spawn(qemu, "-nographic", "-bios", guests["wfi"])
    c.expect_exact("wfi-guest ready")
    start = time.monotonic()
    c.expect_exact("tick", timeout=5)           # woken by the CLINT timer
    assert time.monotonic() - start < 2
    before, t0 = cpu_seconds(c.pid), time.monotonic()
    time.sleep(3)
    used = (cpu_seconds(c.pid) - before) / (time.monotonic() - t0)
    assert used < 0.02, f"{used:.1%} of a core while the guest waits in WFI"
    c.send("x")                                 # woken by UART input
    c.expect_exact("got x", timeout=5)
    c.send("q")
    c.expect_exact("got q")
    assert finish(c) == 0


def test_guest_exit_status(qemu, guests):
    r = subprocess.run([qemu, "-display", "none", "-bios", guests["exit5"]],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 5


@pytest.mark.parametrize("guest,cause", [
    ("storm-unmapped", "cause 1 (instruction access fault) at pc "
                       "0x0000000020000000"),
    ("storm-illegal", "cause 2 (illegal instruction) at pc 0x"),
])
def test_exception_storm_is_reported(qemu, guests, guest, cause):
    """A guest stuck taking the same exception is stopped with a message
    naming the hart, pc and cause, and the emulator exits 1."""
    r = subprocess.run([qemu, "-display", "none", "-bios", guests[guest]],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "hart 0: guest stuck in an exception loop" in r.stderr
    assert cause in r.stderr


def test_log_int_to_file(qemu, guests, tmp_path):
    log = tmp_path / "log"
    r = subprocess.run([qemu, "-display", "none", "-bios",
                        guests["storm-illegal"], "-d", "int,guest_errors",
                        "-D", str(log)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "riscv_cpu_do_interrupt: hart:0" in log.read_text()


def test_serial_to_file_and_pidfile(qemu, guests, tmp_path):
    out, pidfile = tmp_path / "serial.txt", tmp_path / "qemu.pid"
    p = subprocess.Popen([qemu, "-display", "none", "-bios", guests["wfi"],
                          "-serial", f"file:{out}", "-pidfile", str(pidfile)],
                         stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if out.exists() and "tick" in out.read_text():
                break
            time.sleep(0.05)
        assert "wfi-guest ready\ntick\n" in out.read_text()
        assert pidfile.read_text() == f"{p.pid}\n"
    finally:
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
    assert p.returncode == 0
    assert "terminating on signal 15" in err
    assert not pidfile.exists()


def test_start_paused(qemu, guests):
    c = spawn(qemu, "-nographic", "-S", "-bios", guests["wfi"])
    with pytest.raises(pexpect.TIMEOUT):
        c.expect_exact("wfi-guest ready", timeout=1)
    c.send("\x01x")
    assert finish(c) == 0


def test_machine_none_waits(qemu):
    p = subprocess.Popen([qemu, "-M", "none", "-display", "none"],
                         stderr=subprocess.PIPE, text=True)
    time.sleep(1)
    assert p.poll() is None, "-M none must keep running"
    assert cpu_seconds(p.pid) < 0.5
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=10)
    assert p.returncode == 0
    assert "terminating on signal 15" in err


def test_dumpdtb(qemu, tmp_path):
    dtb = tmp_path / "virt.dtb"
    r = subprocess.run([qemu, "-M", f"virt,dumpdtb={dtb}", "-m", "256M"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0
    assert f"dtb dumped to {dtb}. Exiting." in r.stderr
    data = dtb.read_bytes()
    assert data[:4] == bytes.fromhex("d00dfeed")
    assert b"riscv-virtio,qemu" in data and b"ns16550a" in data


def test_dumpdtb_into_a_fifo(qemu, tmp_path):
    """A path that is not a regular file (a FIFO here; /dev/null or
    /dev/stdout alike) is written into, never replaced by a new file."""
    fifo = tmp_path / "dtb.fifo"
    os.mkfifo(fifo)
    got = {}

    def read():
        with open(fifo, "rb") as f:
            got["data"] = f.read()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    r = subprocess.run([qemu, "-M", f"virt,dumpdtb={fifo}"],
                       capture_output=True, text=True, timeout=30)
    if reader.is_alive():
        # Nothing opened the FIFO: open it ourselves so the reader ends.
        with open(fifo, "wb"):
            pass
    reader.join(timeout=10)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got["data"][:4] == bytes.fromhex("d00dfeed")


def test_qmp_socket_path_never_removes_a_file(qemu, tmp_path):
    """A listening unix socket replaces a stale socket, never a file that
    happens to sit at its path."""
    path = tmp_path / "not-a-socket"
    path.write_text("keep me")
    r = subprocess.run([qemu, "-M", "none", "-qmp",
                        f"unix:{path},server=on,wait=off"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert f"Failed to bind socket to {path}: Address already in use" \
        in r.stderr
    assert path.read_text() == "keep me"


def test_kernel_cmdline_initrd_in_dtb(qemu, tmp_path):
    dtb = tmp_path / "virt.dtb"
    initrd = tmp_path / "initrd"
    initrd.write_bytes(b"x" * 5000)
    r = subprocess.run([qemu, "-M", f"virt,dumpdtb={dtb}", "-kernel",
                        UBOOT_S_MODE, "-initrd", str(initrd), "-append",
                        "console=ttyS0 quiet"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    data = dtb.read_bytes()
    assert b"console=ttyS0 quiet\0" in data
    assert b"linux,initrd-start" in data and b"linux,initrd-end" in data


def test_user_dtb(qemu, tmp_path):
    """-dtb replaces the generated tree (it still gets /chosen)."""
    dtb = tmp_path / "virt.dtb"
    subprocess.run([qemu, "-M", f"virt,dumpdtb={dtb}"], check=True,
                   capture_output=True)
    c = spawn(qemu, "-nographic", "-dtb", str(dtb), "-kernel", UBOOT_S_MODE)
    c.expect("OpenSBI v1.1")
    stop_autoboot(c)
    c.sendline("poweroff")
    assert finish(c) == 0


def test_daemonize(qemu, guests, tmp_path):
    pidfile = tmp_path / "qemu.pid"
    r = subprocess.run([qemu, "-daemonize", "-display", "none", "-pidfile",
                        str(pidfile), "-bios", guests["wfi"]],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    pid = int(pidfile.read_text())
    os.kill(pid, 0)                     # the daemon runs on
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pidfile.exists()


def test_version_and_help(qemu, build_facts):
    r = subprocess.run([qemu, "-version"], capture_output=True, text=True)
    assert r.returncode == 0
    first = r.stdout.splitlines()[0]
    assert first == f"QEMU emulator version 7.2.0 (qemu-bridge {build_facts['version']})"
    assert "Copyright" not in r.stdout
    r = subprocess.run([qemu, "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.splitlines()[0] == first
    r = subprocess.run([qemu, "-h"], capture_output=True, text=True)
    assert r.returncode == 0 and "-machine" in r.stdout
    r = subprocess.run([qemu, "-M", "help"], capture_output=True, text=True)
    assert r.returncode == 0 and "virt " in r.stdout and "none " in r.stdout


# ---- bad input ----

@pytest.fixture(scope="session")
def big_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.bin"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)       # sparse, larger than -m 128M
    return str(path)


@pytest.fixture(scope="session")
def unreadable_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("unreadable") / "fw.bin"
    path.write_bytes(b"\0" * 16)
    path.chmod(0)
    return str(path)


BAD_INPUT = [
    (["-bios", "/nonexistent"],
     "-bios /nonexistent: Could not open '/nonexistent': No such file or "
     "directory"),
    (["-kernel", "/nonexistent"],
     "-kernel /nonexistent: Could not open '/nonexistent'"),
    (["-bios", "BIG"], "-bios BIG: 'BIG' is too large"),
    (["-bios", "none", "-kernel", "BIG"], "-kernel BIG: 'BIG' is too large"),
    (["-bios", "/"], "-bios /: '/' is not a regular file"),
    (["-M", "bogus"], "unsupported machine type"),
    (["-m", "1M"], "-m 1M: invalid RAM size"),
    (["-m", "1T"], "-m 1T: invalid RAM size"),
    (["-m", "lots"], "-m lots: Parameter 'size' expects"),
    # QEMU 7.2's size rule: a fraction needs a unit ("-m 1.5G" is fine)
    (["-m", "1.5"], "-m 1.5: Parameter 'size' expects"),
    (["-m", "0.5k"], "-m 0.5k: invalid RAM size"),
    (["-m", "1G,slots=2"], "-m 1G,slots=2: Invalid parameter 'slots'"),
    (["-foo"], "-foo: invalid option"),
    (["-m"], "-m: requires an argument"),
    (["-smp", "9"], "Invalid SMP CPUs 9"),
    (["-smp", "sockets=3,cores=3"], "Invalid SMP CPUs 9"),
    (["-smp", "2,maxcpus=4"], "maxcpus must equal cpus"),
    (["-smp", "cores=-1"], "CPU topology parameters must be greater than"),
    (["-smp", "cpus=x"], "-smp cpus=x: Parameter 'cpus' expects integer"),
    (["-smp", "2,bogus=1"], "-smp 2,bogus=1: Invalid parameter 'bogus'"),
    (["-M", "virt,foo=bar"], "Property 'virt-machine.foo' not found"),
    (["-serial", "file:/nonexistent/dir/x"], "Could not open"),
    (["-serial", "bogus"], "-serial bogus: 'bogus' is not a valid char "
                           "driver"),
    (["-display", "gtk"], "-display gtk: Display 'gtk' is not available"),
    (["-initrd", "/etc/hostname"], "-initrd only allowed with -kernel"),
    (["-d", "bogus"], "Invalid -d option"),
    (["disk.img"], "disk.img: disk images are not supported"),
    (["-accel", "kvm"], "-accel kvm: invalid accelerator kvm"),
    (["-accel", "tcg,foo=1"], "Property 'tcg-accel.foo' not found"),
    (["-accel", "tcg,tb-size=lots"], "Parameter 'tb-size' expects uint64"),
    (["-accel", "tcg,tb-size=99999"], "tb-size 99999 MiB is too large"),
    (["-accel", "tcg,thread=bogus"], "Invalid 'thread' setting bogus"),
    (["-accel", "tcg,thread=multi"], "thread=multi is not supported"),
    (["-accel", "tcg,split-wx=on"], "split-wx=on is not supported"),
    (["-M", "none,accel=kvm"], "invalid accelerator kvm"),
    (["-M", "none,accel=kvm:hvf"], "no accelerator found"),
    (["-cpu", "sifive-u54"], "unable to find CPU model 'sifive-u54'"),
    # QEMU 7.2's messages for CPU properties
    (["-cpu", "rv64,foo=on"], "can't apply global rv64-riscv-cpu.foo=on: "
                              "Property 'rv64-riscv-cpu.foo' not found"),
    (["-cpu", "rv64,zba=maybe"], "Parameter 'zba' expects 'on' or 'off'"),
    # QEMU 8.0's satp-mode properties
    (["-cpu", "rv64,sv39=off,sv48=on"],
     "cannot disable sv39 satp mode if sv48 is enabled"),
]


def test_cpu_help_and_properties(qemu, tmp_path):
    """-cpu help lists the models, -cpu MODEL,help the extension
    properties with the model's defaults, and the properties change
    riscv,isa in the device tree."""
    def run(*args):
        r = subprocess.run([qemu, *args], capture_output=True, text=True,
                           timeout=30)
        assert r.returncode == 0, r.stderr
        return r.stdout

    assert run("-cpu", "help").split() == ["max", "rv64"]
    props = run("-cpu", "rv64,help")
    assert "  zba=<bool>             -  (default: true)" in props
    assert "  svpbmt=<bool>          -  (default: false)" in props
    assert "(default: false)" not in run("-cpu", "max,help")
    dtb = tmp_path / "virt.dtb"
    run("-M", f"virt,dumpdtb={dtb}", "-cpu", "rv64,zbb=off,Svpbmt=on")
    assert (b"rv64imafdc_zicsr_zifencei_zihintpause_zba_zbc_zbs_sstc_svpbmt"
            b"\0") in dtb.read_bytes()
    assert b"riscv,sv57\0" in dtb.read_bytes()   # the largest QEMU 7.2 accepts
    run("-M", f"virt,dumpdtb={dtb}", "-cpu", "rv64,sv57=off")
    assert b"riscv,sv48\0" in dtb.read_bytes()


def test_accel_list_and_no_user_config(qemu):
    """libvirt's probe line: the first accelerator that exists is used."""
    r = subprocess.run([qemu, "-no-user-config", "-nodefaults", "-display",
                        "none", "-M", "virt,accel=kvm:tcg,dumpdtb=/dev/null"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines()[:2] == [
        "qemu-system-riscv64: warning: invalid accelerator kvm",
        "qemu-system-riscv64: warning: falling back to tcg"]


@pytest.mark.parametrize("args,message", BAD_INPUT,
                         ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input(qemu, big_file, args, message):
    args = [big_file if a == "BIG" else a for a in args]
    message = message.replace("BIG", big_file)
    r = subprocess.run([qemu, "-display", "none", *args],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("qemu-system-riscv64: "), r.stderr
    assert message in r.stderr


def test_unreadable_bios(qemu, unreadable_file):
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    r = subprocess.run([qemu, "-display", "none", "-bios", unreadable_file],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "Permission denied" in r.stderr


def test_monitor_console(emulator):
    """Ctrl-A c on mon:stdio (-nographic) reaches a "(qemu) " prompt whose
    commands answer, Ctrl-A c goes back to the guest, "quit" exits 0."""
    import pexpect
    c = pexpect.spawn(emulator, ["-M", "virt", "-nographic", "-bios",
                                 "/usr/lib/u-boot/qemu-riscv64/u-boot.bin",
                                 "-netdev", "user,id=u0", "-device",
                                 "virtio-net-pci,netdev=u0,id=nic0"],
                      encoding="utf-8", timeout=30)
    c.expect("Hit any key")
    c.send("\r")
    c.expect("=> ")
    c.sendcontrol("a")
    c.send("c")
    c.expect(r"monitor - type 'help'.*\(qemu\) ")
    c.send("info status\r")
    c.expect(r"\(qemu\) ")
    assert "VM status: running" in c.before
    c.send("info network\r")
    c.expect(r"\(qemu\) ")
    assert "nic0: index=0,type=nic,model=virtio-net-pci" in c.before
    assert " \\ u0: index=0,type=user,net=10.0.2.0,restrict=off" in c.before
    c.sendcontrol("a")
    c.send("c")
    c.send("version\r")
    c.expect("U-Boot 20")
    c.expect("=> ")
    c.sendcontrol("a")
    c.send("c")
    c.expect(r"\(qemu\) ")
    c.send("quit\r")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0
