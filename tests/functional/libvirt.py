"""A real libvirtd (Debian 12's libvirt 9.0) inside a test sandbox.

libvirt drives our emulator as it drives QEMU; these tests run the
unmodified daemon against it, the way docs/system/libvirt.rst describes.
What the daemon needs, and why (see ../shared/docs/libvirt-facts.md):

- session mode (qemu:///session): libvirtd runs as the sandbox's
  unprivileged user (uid 1000, so the test run must be real root for the
  sandbox to map it) with its XDG directories in a short private
  directory: unix socket paths live there and have a length limit;
- a tmpfs on /run (no host dbus or udev to talk to) and on
  /sys/fs/cgroup (no cgroups: nothing to set up or leave behind);
- a real /dev/null: libvirt opens it for every child, and some hosts have
  a plain file there;
- its qemu.conf: stdio_handler = "file" (no virtlogd) and bridge_helper,
  the helper libvirt runs itself for <interface type='bridge'>.

The daemon and everything it starts live in the sandbox's namespaces and
die with it; close() stops the daemon first, then removes its directory.
"""

import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from sandbox import SANDBOX_USER, SANDBOX_USER_OUTSIDE

LIBVIRTD = "/usr/sbin/libvirtd"
VIRSH = "/usr/bin/virsh"
QEMU_DRIVER = "libvirt_driver_qemu.so"
PACKAGES = "libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients"


def missing_reason():
    """Why libvirt cannot be used here, or None."""
    if not (os.access(LIBVIRTD, os.X_OK) and os.access(VIRSH, os.X_OK)):
        return f"libvirt is not installed ({PACKAGES}; scripts/install-deps)"
    drivers = [p for p in Path("/usr/lib").glob(
        f"*/libvirt/connection-driver/{QEMU_DRIVER}")]
    if not drivers:
        return ("libvirt's QEMU driver is not installed "
                "(libvirt-daemon-driver-qemu; scripts/install-deps)")
    return None


def null_device(directory):
    """A /dev/null to show inside the sandbox if the host's is not one."""
    st = os.stat("/dev/null")
    if stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3):
        return None
    node = Path(directory) / "dev-null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    os.chmod(node, 0o666)
    return str(node)


class Libvirtd:
    """libvirtd in session mode inside SANDBOX, with BRIDGE_HELPER."""

    def __init__(self, sandbox, bridge_helper):
        self.box = sandbox
        self.base = Path(tempfile.mkdtemp(prefix="lv", dir="/tmp"))
        self.home = self.base / "h"
        self.log = self.home / "libvirtd.log"
        self.proc = None
        self.env = ["env", "-i", f"HOME={self.home}",
                    f"XDG_CONFIG_HOME={self.home}/c",
                    f"XDG_CACHE_HOME={self.home}/k",
                    f"XDG_RUNTIME_DIR={self.home}/r",
                    f"XDG_DATA_HOME={self.home}/d",
                    "PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
        self._write_config(bridge_helper)

    def _write_config(self, bridge_helper):
        conf = self.home / "c" / "libvirt"
        for d in (conf, self.home / "k", self.home / "r", self.home / "d"):
            d.mkdir(parents=True)
        self._write_qemu_conf(bridge_helper)
        (conf / "libvirtd.conf").write_text(
            'log_filters = "1:qemu.qemu_monitor 1:qemu.qemu_monitor_json '
            '1:util.command"\n'
            f'log_outputs = "1:file:{self.log}"\n')
        os.chmod(self.base, 0o755)
        for root, dirs, files in os.walk(self.home):
            for name in dirs + files:
                os.chown(os.path.join(root, name), SANDBOX_USER_OUTSIDE,
                         SANDBOX_USER_OUTSIDE)
        os.chown(self.home, SANDBOX_USER_OUTSIDE, SANDBOX_USER_OUTSIDE)
        os.chmod(self.home / "r", 0o700)

    def install_setuid_helper(self, helper):
        """A setuid-root copy of HELPER on a tmpfs inside the sandbox
        (setuid works there), made the session's bridge_helper."""
        suid = self.base / "x"
        suid.mkdir()
        self.box.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "suid",
                      suid], check=True)
        path = suid / "qemu-bridge-helper"
        self.box.run(["install", "-m", "4755", helper, path], check=True)
        self._write_qemu_conf(path)
        return path

    def copy_in(self, path):
        """A copy of PATH the session's user can read; returns its path."""
        target = self.base / Path(path).name
        shutil.copyfile(path, target)
        os.chmod(target, 0o644)
        return target

    def _write_qemu_conf(self, bridge_helper):
        conf = self.home / "c" / "libvirt" / "qemu.conf"
        conf.write_text('stdio_handler = "file"\n'
                        f'bridge_helper = "{bridge_helper}"\n')
        os.chown(conf, SANDBOX_USER_OUTSIDE, SANDBOX_USER_OUTSIDE)

    def start(self, timeout=30):
        for target in ("/run", "/sys/fs/cgroup"):
            self.box.run(["mount", "-t", "tmpfs", "libvirt-test", target],
                         check=True)
        self.proc = self.box.popen(self.env + [LIBVIRTD],
                                   user=SANDBOX_USER,
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL,
                                   stderr=open(self.base / "libvirtd.err",
                                               "wb"))
        sock = self.home / "r" / "libvirt" / "libvirt-sock"
        deadline = time.monotonic() + timeout
        while not sock.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("libvirtd did not start:\n" + self.logs())
            time.sleep(0.05)
        return self

    def virsh(self, *args, check=True, timeout=120):
        """Runs virsh -c qemu:///session ARGS as the session's user."""
        r = self.box.run(self.env + [VIRSH, "-c", "qemu:///session",
                                     *[str(a) for a in args]],
                         user=SANDBOX_USER, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"virsh {' '.join(map(str, args))} failed "
                                 f"({r.returncode}):\n{r.stdout}{r.stderr}"
                                 f"{self.domain_logs()}")
        return r

    def write(self, name, text):
        """A file the session's user can read (domain XML)."""
        path = self.base / name
        path.write_text(text)
        os.chmod(path, 0o644)
        return path

    def domain_logs(self):
        """The domain logs (the emulator's command line and stderr)."""
        parts = []
        for path in sorted((self.home / "k" / "libvirt" / "qemu" /
                            "log").glob("*.log")):
            text = path.read_text(errors="replace")
            parts.append(f"--- {path.name}\n{text[-6000:]}")
        return "\n".join(parts)

    def logs(self):
        parts = []
        for path in (self.base / "libvirtd.err", self.log):
            if path.exists():
                text = path.read_text(errors="replace")
                parts.append(f"--- {path.name}\n{text[-20000:]}")
        parts.append(self.domain_logs())
        return "\n".join(parts)

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.base, ignore_errors=True)
