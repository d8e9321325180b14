"""QMP netdev_add of a bridge whose helper is slow: nothing else waits.

The helper given with helper= is a wrapper script that sleeps 2 s and then
execs the real qemu-bridge-helper.  While it sleeps, the guest's monitors
must keep answering, the monitor that asked gets its reply (in order) only
when the helper has answered, the id is taken, and an emulator killed with
SIGTERM must take the helper with it and leave no tap.
"""

import json
import os
import signal
import subprocess
import time

from qmp import QMPClient

SLEEP_S = 2


def slow_helper(tmp_path, real_helper):
    """The wrapper; it writes its pid and its sleep's to PIDS first."""
    pids = tmp_path / "pids"
    script = tmp_path / "slow-helper"
    script.write_text(f"#!/bin/sh\nsleep {SLEEP_S} &\necho $$ $! > {pids}.tmp\n"
                      f"mv {pids}.tmp {pids}\nwait\nexec {real_helper} \"$@\"\n")
    script.chmod(0o755)
    return str(script), pids


def start(sandbox, emulator, *sockets):
    argv = [emulator, "-M", "virt", "-nographic", "-bios", "none", "-S"]
    for sock in sockets:
        argv += ["-qmp", f"unix:{sock},server=on,wait=off"]
    return sandbox.popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL)


def send(qmp, msg_id, name, **arguments):
    qmp.send_raw(json.dumps({"execute": name, "arguments": arguments,
                             "id": msg_id}) + "\n")


def start_slow_bridge(sandbox, emulator, helper, tmp_path):
    """An emulator with one QMP socket, whose client sent netdev_add of a
    slow bridge and disconnected once the wrapper ran."""
    wrapper, pids = slow_helper(tmp_path, helper)
    sock = tmp_path / "qmp.sock"
    proc = start(sandbox, emulator, sock)
    with QMPClient(sock) as qmp:
        qmp.connect()
        send(qmp, "add", "netdev_add", type="bridge", id="hn0", helper=wrapper)
        wait_for(pids)
    return sock, proc, pids


def wait_for(path, timeout=10):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def gone(pid):
    """Not running: no such process, or a zombie about to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_slow_helper_does_not_block(sandbox, emulator, helper, tmp_path):
    wrapper, pids = slow_helper(tmp_path, helper)
    sock1, sock2 = tmp_path / "qmp1.sock", tmp_path / "qmp2.sock"
    proc = start(sandbox, emulator, sock1, sock2)
    with QMPClient(sock1) as qmp1, QMPClient(sock2) as qmp2:
        qmp1.connect()
        qmp2.connect()
        start_s = time.monotonic()
        send(qmp1, "add", "netdev_add", type="bridge", id="hn0",
             helper=wrapper)
        send(qmp1, "after", "query-status")
        wait_for(pids)

        # The other monitor answers at once, and the id is taken.
        assert qmp2.execute("query-status")["status"] == "prelaunch"
        reply = qmp2.command("netdev_add", type="user", id="hn0")
        assert reply["error"]["desc"] == "Duplicate ID 'hn0' for netdev"
        assert time.monotonic() - start_s < SLEEP_S * 0.75

        # The asking monitor: its reply once the helper answered, then the
        # request it sent after, in order.
        assert qmp1.reply_to("add") == {"return": {}, "id": "add"}
        assert time.monotonic() - start_s >= SLEEP_S * 0.9
        assert qmp1.reply_to("after")["return"]["status"] == "prelaunch"

        assert len(sandbox.taps()) == 1
        info = qmp2.hmp("info network")
        assert info == f"hn0: index=0,type=tap,helper={wrapper},br=br0\r\n"
        qmp1.execute("netdev_del", id="hn0")
        assert sandbox.taps() == []
        qmp2.execute("quit")
    assert proc.wait(timeout=10) == 0


def test_disconnect_while_waiting(sandbox, emulator, helper, tmp_path):
    """The command still completes; the reply goes nowhere; a new client
    is not held up by it."""
    sock, proc, pids = start_slow_bridge(sandbox, emulator, helper, tmp_path)
    with QMPClient(sock) as qmp:
        qmp.connect()
        assert qmp.execute("query-status")["status"] == "prelaunch"
        deadline = time.monotonic() + 10
        while "hn0:" not in qmp.hmp("info network"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert len(sandbox.taps()) == 1
        qmp.execute("quit")
    assert proc.wait(timeout=10) == 0
    assert sandbox.taps() == []


def test_sigterm_while_waiting(sandbox, emulator, helper, tmp_path):
    _, proc, pids = start_slow_bridge(sandbox, emulator, helper, tmp_path)
    shell, sleeper = (int(p) for p in pids.read_text().split())
    assert not gone(shell) and not gone(sleeper)
    killed_s = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    # It did not wait for the helper to finish its sleep.
    assert time.monotonic() - killed_s < SLEEP_S * 0.75
    # The wrapper was killed and reaped, its sleep too (it is in the
    # helper's process group); so the real helper never ran.
    assert gone(shell)
    deadline = time.monotonic() + 5
    while not gone(sleeper):
        assert time.monotonic() < deadline, "the helper's child survived"
        time.sleep(0.05)
    time.sleep(SLEEP_S + 0.5)
    assert sandbox.taps() == []
