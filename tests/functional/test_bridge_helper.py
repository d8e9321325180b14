"""qemu-bridge-helper against a real kernel, inside a private sandbox.

Each test runs the helper the way QEMU does (a socketpair, our end here,
--fd=N for the other) and checks what the kernel shows: the tap, its bridge,
its MTU and MAC, and that nothing is left behind on any error.
"""

import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from sandbox import (IFF_MULTI_QUEUE, IFF_NO_PI, IFF_TAP, IFF_VNET_HDR,
                     SANDBOX_USER,
                     SANDBOX_USER_OUTSIDE,
                     run_helper, tap_info)

CAP_NET_ADMIN = 1 << 12


def get_tap(sandbox, helper, bridge="br0", vnet=True, user=None):
    args = (["--use-vnet"] if vnet else []) + [f"--br={bridge}", "--fd={fd}"]
    rc, err, fd = run_helper(sandbox, helper, args, user=user)
    assert rc == 0, err
    assert err == ""
    assert fd is not None
    return fd


def assert_failure(sandbox, helper, args, message, user=None):
    """The helper exits 1, says MESSAGE (a regex) and leaves no tap."""
    rc, err, fd = run_helper(sandbox, helper, args, user=user)
    assert fd is None
    assert rc == 1, err
    assert re.search(message, err), err
    assert err.startswith("qemu-bridge-helper: ")
    assert sandbox.taps() == []


def test_tap_attached_to_bridge(sandbox, helper):
    fd = get_tap(sandbox, helper)
    name, flags = tap_info(fd)
    assert flags & (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) == \
        IFF_TAP | IFF_NO_PI | IFF_VNET_HDR
    link = sandbox.link(name)
    bridge = sandbox.link("br0")
    assert link["master"] == "br0"
    assert link["mtu"] == bridge["mtu"]
    assert link["address"].startswith("fe:")
    assert "UP" in link["flags"]
    assert link["linkinfo"]["info_kind"] == "tun"
    assert link["linkinfo"]["info_data"]["type"] == "tap"
    assert link["linkinfo"]["info_data"]["pi"] is False
    assert link["linkinfo"]["info_data"]["persist"] is False
    os.close(fd)
    assert sandbox.link(name) is None         # gone with its last fd


def test_vnet_header_only_when_asked(sandbox, helper):
    fd = get_tap(sandbox, helper, vnet=False)
    name, flags = tap_info(fd)
    assert not flags & IFF_VNET_HDR
    assert sandbox.link(name)["linkinfo"]["info_data"]["vnet_hdr"] is False
    os.close(fd)


@pytest.mark.parametrize("mtu", [1280, 9000])
def test_mtu_copied_from_bridge(sandbox, helper, mtu):
    for link in ("br0-port", "br0-host", "br0"):
        sandbox.run(["ip", "link", "set", link, "mtu", str(mtu)], check=True)
    fd = get_tap(sandbox, helper)
    name, _ = tap_info(fd)
    assert sandbox.link(name)["mtu"] == mtu
    os.close(fd)


def test_acl_rules(sandbox, helper):
    sandbox.run(["ip", "link", "add", "qemubr0", "type", "bridge"], check=True)
    sandbox.run(["ip", "link", "add", "lab1", "type", "bridge"], check=True)
    include = sandbox.workdir / "users.conf"

    sandbox.set_acl("allow br0\n")
    os.close(get_tap(sandbox, helper, "br0"))
    assert_failure(sandbox, helper, ["--br=qemubr0", "--fd={fd}"],
                   r"access denied by ACL: no rule allows bridge 'qemubr0'")

    sandbox.set_acl("allow all\ndeny qemubr0\n")
    os.close(get_tap(sandbox, helper, "lab1"))
    assert_failure(sandbox, helper, ["--br=qemubr0", "--fd={fd}"],
                   r"bridge 'qemubr0' is denied at .*bridge.conf:2")

    include.write_text("allow qemubr0\t# via an include, tab separated\n")
    os.chmod(include, 0o644)
    sandbox.set_acl(f"include {include}\n")
    os.close(get_tap(sandbox, helper, "qemubr0"))
    assert_failure(sandbox, helper, ["--br=br0", "--fd={fd}"],
                   r"no rule allows bridge 'br0'")

    sandbox.set_acl(f"deny all\ninclude {include}\n")
    assert_failure(sandbox, helper, ["--br=qemubr0", "--fd={fd}"],
                   r"bridge 'qemubr0' is denied at .*bridge.conf:1")

    sandbox.set_acl("")
    assert_failure(sandbox, helper, ["--br=br0", "--fd={fd}"],
                   r"no rule allows bridge 'br0'")


@pytest.mark.parametrize("acl, message", [
    ("allow br0\nalow br1\n", r"bridge.conf:2: unknown keyword 'alow'"),
    ("allow 1234567890123456\n",
     r"bridge.conf:1: invalid bridge name '1234567890123456': it is longer"),
    ("include /nonexistent/x.conf\n",
     r"bridge.conf:1: cannot open ACL file /nonexistent/x.conf: No such file"),
    ("# " + "x" * 5000 + "\nallow br0\n",
     r"bridge.conf:1: line longer than 4095 bytes"),
    ("allow br0 extra\n", r"unexpected 'extra' after 'allow br0'"),
])
def test_acl_errors_are_fatal(sandbox, helper, acl, message):
    sandbox.set_acl(acl)
    assert_failure(sandbox, helper, ["--use-vnet", "--br=br0", "--fd={fd}"],
                   message)


def test_bad_targets(sandbox, helper):
    sandbox.set_acl("allow all\n")
    assert_failure(sandbox, helper, ["--br=nosuch", "--fd={fd}"],
                   r"bridge 'nosuch' does not exist")
    assert_failure(sandbox, helper, ["--br=br0-host", "--fd={fd}"],
                   r"'br0-host' is not a bridge \(it is a veth\)")
    assert_failure(sandbox, helper, ["--br=lo", "--fd={fd}"],
                   r"'lo' is not a bridge")


@pytest.mark.parametrize("args, message", [
    (["--br=br0"], r"missing --fd=UNIXFD"),
    (["--fd={fd}"], r"missing --br=BRIDGE"),
    (["--br=", "--fd={fd}"], r"invalid bridge name '': it is empty"),
    (["--br=br0aaaaaaaaaaaaaaa", "--fd={fd}"], r"is longer than 15 bytes"),
    (["--br=../br0", "--fd={fd}"], r"contains '/'"),
    (["--br=br 0", "--fd={fd}"], r"contains whitespace"),
    (["--br=.", "--fd={fd}"], r"is '\.' or '\.\.'"),
    (["--br=br0", "--fd=abc"], r"--fd=abc: not a decimal file descriptor"),
    (["--br=br0", "--fd=-3"], r"not a decimal file descriptor"),
    (["--br=br0", "--fd=1"], r"--fd=1 is not a socket"),
    (["--br=br0", "--fd=4242"], r"--fd=4242: Bad file descriptor"),
    (["--br=br0", "--fd={fd}", "--vhost"], r"unknown argument '--vhost'"),
    (["--br=br0", "--fd={fd}", "--queues=0"],
     r"--queues=0: expected a number from 1 to 64"),
    (["--br=br0", "--fd={fd}", "--queues=65"],
     r"--queues=65: expected a number from 1 to 64"),
])
def test_bad_arguments(sandbox, helper, args, message):
    assert_failure(sandbox, helper, args, message)


def test_usage_on_unknown_argument(sandbox, helper):
    rc, err, _ = run_helper(sandbox, helper, ["--nope"])
    assert rc == 1
    assert "Usage: qemu-bridge-helper [--use-vnet] [--queues=N] " \
        "--br=bridge --fd=unixfd" in err


@pytest.mark.parametrize("queues", [2, 8, 64])
def test_multiqueue_tap(sandbox, helper, queues):
    """--queues=N: one multiqueue tap on the bridge, its N queue fds in
    one message; the tap lives until the last of them is closed."""
    rc, err, fds = run_helper(sandbox, helper,
                              ["--use-vnet", f"--queues={queues}",
                               "--br=br0", "--fd={fd}"], fds=queues)
    assert rc == 0 and err == "", err
    assert len(fds) == queues
    infos = [tap_info(fd) for fd in fds]
    name = infos[0][0]
    for tap, flags in infos:
        assert tap == name
        assert flags & (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
                        IFF_MULTI_QUEUE) == \
            IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE
    link = sandbox.link(name)
    assert link["master"] == "br0" and "UP" in link["flags"]
    assert link["linkinfo"]["info_data"]["multi_queue"] is True
    assert link["num_tx_queues"] == link["num_rx_queues"] >= queues
    assert sandbox.taps() == [name]
    for fd in fds[:-1]:
        os.close(fd)
    assert sandbox.link(name) is not None     # one queue still open
    os.close(fds[-1])
    assert sandbox.taps() == []


def test_one_queue_is_qemus_protocol(sandbox, helper):
    """--queues=1, like no --queues: one fd, and no multiqueue flag, so a
    QEMU-style caller cannot tell the difference."""
    for extra in ([], ["--queues=1"]):
        rc, err, fds = run_helper(sandbox, helper,
                                  extra + ["--br=br0", "--fd={fd}"], fds=1)
        assert rc == 0 and len(fds) == 1, err
        assert not tap_info(fds[0])[1] & IFF_MULTI_QUEUE
        os.close(fds[0])


def test_multiqueue_failure_leaves_nothing(sandbox, helper):
    """A failure after the queues were opened (the bridge is denied late:
    here, a bridge that is not a bridge) leaves no tap."""
    sandbox.run(["ip", "link", "add", "notbr", "type", "veth", "peer",
                 "name", "notbr-p"], check=True)
    sandbox.set_acl("allow all\n")
    assert_failure(sandbox, helper, ["--queues=4", "--br=notbr", "--fd={fd}"],
                   r"'notbr' is not a bridge")


def test_inet_socket_is_refused(sandbox, helper):
    inet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        result = subprocess.run(
            sandbox.command([helper, "--br=br0", f"--fd={inet.fileno()}"]),
            pass_fds=(inet.fileno(),), capture_output=True, text=True)
    finally:
        inet.close()
    assert result.returncode == 1
    assert "is not a unix socket" in result.stderr
    assert sandbox.taps() == []


def test_caller_gone_leaves_no_tap(sandbox, helper):
    """The send fails after the tap exists: it must disappear with us."""
    ours, theirs = socket.socketpair()
    ours.close()
    try:
        result = subprocess.run(
            sandbox.command([helper, "--br=br0", f"--fd={theirs.fileno()}"]),
            pass_fds=(theirs.fileno(),), capture_output=True, text=True)
    finally:
        theirs.close()
    assert result.returncode == 1
    assert "cannot send the tap fd over" in result.stderr
    assert "Broken pipe" in result.stderr
    assert sandbox.taps() == []


def test_two_hundred_taps_leave_nothing(sandbox, helper):
    fds_before = len(os.listdir("/proc/self/fd"))
    names = set()
    for _ in range(200):
        fd = get_tap(sandbox, helper)
        names.add(tap_info(fd)[0])
        os.close(fd)
    assert sandbox.taps() == []
    assert [l["ifname"] for l in sandbox.links()
            if l.get("master") == "br0"] == ["br0-port"]
    assert len(os.listdir("/proc/self/fd")) == fds_before


def test_help_and_version(helper, build_facts):
    result = subprocess.run([helper, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: qemu-bridge-helper")
    assert f"ACL file: {build_facts['bridge_conf']}" in result.stdout
    result = subprocess.run([helper, "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout == f"qemu-bridge-helper version {build_facts['version']}\n"


# -- privileges --------------------------------------------------------------

def status_fields(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return fields


def filled_socketpair():
    """A socketpair whose sending side is full: a helper's sendmsg blocks on
    it, holding the helper still right after it created the tap."""
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    try:
        while True:
            theirs.send(b"x" * 4096)
    except BlockingIOError:
        pass
    try:
        while True:
            theirs.send(b"x")
    except BlockingIOError:
        pass
    theirs.setblocking(True)
    return ours, theirs


def receive_after_filler(sock):
    """Drains the filler and returns the fd that follows it."""
    while True:
        data, fds, _, _ = socket.recv_fds(sock, 65536, 1)
        if fds:
            return fds[0]
        assert data, "helper closed the socket without sending an fd"


def capabilities_while_tap_exists(sandbox, helper_path, user=None):
    """Runs the helper, stops it after the tap is attached, and returns its
    /proc status then; checks the tap it finally sends."""
    ours, theirs = filled_socketpair()
    try:
        proc = sandbox.popen([helper_path, "--use-vnet", "--br=br0",
                              f"--fd={theirs.fileno()}"],
                             user=user, pass_fds=(theirs.fileno(),),
                             stderr=subprocess.PIPE, text=True)
        theirs.close()
        deadline = time.monotonic() + 20
        while not any(l.get("master") == "br0" and "UP" in l["flags"]
                      for l in sandbox.links()
                      if l.get("linkinfo", {}).get("info_kind") == "tun"):
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "no tap appeared"
            time.sleep(0.01)
        status = status_fields(proc.pid)
        assert proc.poll() is None, "helper exited before sending"
        fd = receive_after_filler(ours)
        assert proc.wait(timeout=10) == 0, proc.stderr.read()
        name, _ = tap_info(fd)
        assert sandbox.link(name)["master"] == "br0"
        os.close(fd)
        return status
    finally:
        theirs.close()
        ours.close()


def assert_only_net_admin(status):
    assert int(status["CapEff"][0], 16) == CAP_NET_ADMIN
    assert int(status["CapPrm"][0], 16) == CAP_NET_ADMIN
    assert int(status["CapInh"][0], 16) == 0
    assert int(status["CapAmb"][0], 16) == 0
    assert status["NoNewPrivs"] == ["1"]


def test_root_caller_keeps_only_net_admin(sandbox, helper):
    status = capabilities_while_tap_exists(sandbox, helper)
    assert_only_net_admin(status)
    assert int(status["CapBnd"][0], 16) == 0        # bounding set cleared


@pytest.fixture
def privileged_copy(sandbox, helper):
    """install(mode, caps=None) -> path of a root-owned copy of the helper
    on a tmpfs inside the sandbox (so setuid and file caps work there)."""
    if not sandbox.maps_user:
        pytest.skip("mapping a second user into the sandbox needs real root")
    mnt = sandbox.workdir / "suid"
    mnt.mkdir()
    sandbox.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "suid", mnt],
                check=True)

    def install(mode, caps=None):
        path = mnt / f"helper-{mode:o}{'-caps' if caps else ''}"
        sandbox.run(["install", "-m", f"{mode:o}", helper, path], check=True)
        if caps:
            setcap = shutil.which("setcap") or "/usr/sbin/setcap"
            sandbox.run([setcap, caps, path], check=True)
        return str(path)
    return install


def test_setuid_helper_drops_to_caller(sandbox, privileged_copy):
    path = privileged_copy(0o4755)
    status = capabilities_while_tap_exists(sandbox, path, user=SANDBOX_USER)
    assert_only_net_admin(status)
    assert int(status["CapBnd"][0], 16) == 0
    assert status["Uid"] == [str(SANDBOX_USER_OUTSIDE)] * 4  # seen from outside
    assert status["Gid"] == [str(SANDBOX_USER_OUTSIDE)] * 4
    assert status["Groups"] == []


def test_file_capability_helper(sandbox, privileged_copy):
    path = privileged_copy(0o755, caps="cap_net_admin+ep")
    status = capabilities_while_tap_exists(sandbox, path, user=SANDBOX_USER)
    assert_only_net_admin(status)
    assert status["Uid"] == [str(SANDBOX_USER_OUTSIDE)] * 4  # seen from outside


def test_privileged_helper_requires_root_owned_acl(sandbox, privileged_copy):
    path = privileged_copy(0o4755)
    os.chmod(sandbox.acl_source, 0o664)
    assert_failure(sandbox, path, ["--br=br0", "--fd={fd}"],
                   r"ACL file .*bridge.conf is writable by group or others",
                   user=SANDBOX_USER)
    os.chmod(sandbox.acl_source, 0o600)       # root's only: unreadable to us
    assert_failure(sandbox, path, ["--br=br0", "--fd={fd}"],
                   r"cannot open ACL file .*bridge.conf: Permission denied",
                   user=SANDBOX_USER)


def test_unprivileged_caller_gets_a_clear_error(sandbox, helper):
    if not sandbox.maps_user:
        pytest.skip("mapping a second user into the sandbox needs real root")
    assert_failure(sandbox, helper, ["--br=br0", "--fd={fd}"],
                   r"cannot create a tap device: Operation not permitted "
                   r"\(the helper needs CAP_NET_ADMIN",
                   user=SANDBOX_USER)
