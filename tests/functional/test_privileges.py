"""-runas, -run-with and -chroot: started as root, the emulator builds the
VM and then runs as the user it was told, with no capabilities left, while
the guest runs and its monitor answers.

Run as real root (CI is); as any other user they are skipped, since only
root can change to another user.
"""

import os
import re
import subprocess
import time

import pytest

from qmp import QMPClient

NOBODY = 65534

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="changing user needs real root")


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return fields


def start(emulator, tmp_path, *args):
    sock = tmp_path / "qmp.sock"
    proc = subprocess.Popen(
        [emulator, "-M", "virt", "-display", "none", "-S",
         "-qmp", f"unix:{sock},server=on,wait=off", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, sock


def wait_dropped(proc, uid):
    """The status once the process runs as UID (it drops after setup)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        status = proc_status(proc.pid)
        if int(status["Uid"][0]) == uid:
            return status
        time.sleep(0.05)
    pytest.fail("the emulator never changed user")


def assert_unprivileged(status, uid, gid, groups):
    assert [int(x) for x in status["Uid"]] == [uid] * 4
    assert [int(x) for x in status["Gid"]] == [gid] * 4
    assert sorted(int(g) for g in status["Groups"]) == sorted(groups)
    for cap in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
        assert int(status[cap][0], 16) == 0, cap


@pytest.mark.parametrize("form", [["-runas", f"{NOBODY}:{NOBODY}"],
                                  ["-run-with", f"user={NOBODY}:{NOBODY}"]])
def test_numeric_user_drops_everything(emulator, tmp_path, form):
    tmp_path.chmod(0o755)
    proc, sock = start(emulator, tmp_path, *form)
    try:
        status = wait_dropped(proc, NOBODY)
        assert_unprivileged(status, NOBODY, NOBODY, [NOBODY])
        # set up before the drop, still served after it
        qmp = QMPClient(str(sock))
        qmp.connect()
        qmp.execute("cont")
        assert qmp.execute("query-status")["status"] == "running"
        qmp.execute("quit")
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        proc.wait()


def test_named_user_gets_its_groups(emulator, tmp_path):
    out = subprocess.run(["id", "-G", "nobody"], capture_output=True,
                         text=True, check=True).stdout.split()
    proc, sock = start(emulator, tmp_path, "-runas", "nobody")
    try:
        status = wait_dropped(proc, NOBODY)
        assert_unprivileged(status, NOBODY, int(out[0]),
                            [int(g) for g in out])
    finally:
        proc.kill()
        proc.wait()


def test_chroot_and_user(emulator, tmp_path):
    jail = tmp_path / "jail"
    jail.mkdir()
    proc, sock = start(emulator, tmp_path, "-chroot", str(jail),
                       "-runas", f"{NOBODY}:{NOBODY}")
    try:
        wait_dropped(proc, NOBODY)
        assert os.readlink(f"/proc/{proc.pid}/root") == str(jail)
        qmp = QMPClient(str(sock))
        qmp.connect()
        assert qmp.execute("query-status")["status"] == "prelaunch"
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("args, message", [
    (["-runas", "no-such-user-here"],
     'User "no-such-user-here" doesn\'t exist (and is not <uid>:<gid>)'),
    (["-runas", "12:"], 'User "12:" doesn\'t exist'),
    (["-run-with", "user=1:2,bogus=1"], "Invalid parameter 'bogus'"),
    (["-run-with", "async-teardown=on"], "async-teardown=on is not "
     "supported"),
    (["-chroot", "/nonexistent-jail"], "-chroot: cannot chroot to "
     "'/nonexistent-jail': No such file or directory"),
])
def test_bad_input(emulator, tmp_path, args, message):
    proc = subprocess.run([emulator, "-M", "virt", "-display", "none", "-S",
                           *args], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 1
    assert message in proc.stderr


def test_without_root_the_change_fails(emulator, tmp_path):
    """An unprivileged user asked to become another gets a clear error
    rather than running on as itself."""
    proc = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
         "--clear-groups", emulator, "-M", "virt", "-display", "none", "-S",
         "-runas", "1:1"],
        capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert re.search(r"-runas: cannot change to uid 1 gid 1: "
                     r"Operation not permitted", proc.stderr), proc.stderr
