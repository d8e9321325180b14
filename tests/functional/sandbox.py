"""A private network for one test: user + net + mount (+ pid) namespaces.

Inside the sandbox there is a loopback interface, one or more Linux bridges
(``br0`` by default), and for each bridge a veth pair: one end is a port of
the bridge, the other (``<bridge>-host``) carries the bridge's host address
(10.0.2.1/24 for br0).  dnsmasq can serve DHCP and TFTP on those addresses.
A bridge.conf written by the test is bind-mounted over the helper's
compiled-in ACL path (acl_path: one path or a list), visible only inside
the sandbox's mount namespace; other files can be shown at fixed paths the
same way (files={inside: outside}), e.g. the built helper at its installed
path so that `-netdev bridge` finds it without helper=.

Nothing here needs privileges: the user namespace makes the caller root
inside it.  Run as real root, the sandbox is just as isolated, and it can
also map an unprivileged user (uid 1000) so that setuid and file-capability
installs of the helper can be tested.

Everything the sandbox creates lives in its namespaces and dies with them:
closing the sandbox kills every process in its user namespace (commands run
inside keep ordinary host pids, so tests can signal them), then ends its
init, pid 1 of a private pid namespace that holds dnsmasq.

Several simulated hosts (hosts=N): host 0 is the sandbox's own network
namespace; hosts 1..N-1 each get a network namespace of their own with the
same bridges (without dnsmasq: one DHCP server serves them all).  The hosts
are joined by an underlay (bridge ``ul0`` in host 0, 192.168.100.1/24; host
i reaches it through its link ``uplink``, 192.168.100.(1+i)/24) and each
bridge is stretched over it by a VXLAN device (VNI 42, 43, ... in bridge
order, UDP 4789, flooding to every other host), so guests on different
hosts share one L2 segment.  The underlay's MTU is 1550, so the VXLAN
encapsulation (50 bytes) still carries 1500-byte frames.  Host i's
address on a bridge is the bridge's host address plus i (10.0.2.1, .2,
...).  Host i's namespace is bind-mounted on <workdir>/netns/hI inside
the sandbox (`nsenter --net=` that file there); commands run on host i
with host=i.

The module is also the sandbox's init program: ``sandbox.py --init CONFIG``.
"""

import json
import os
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import time
import fcntl
from pathlib import Path

# The unprivileged user that a root-run sandbox maps (in-namespace uid/gid)
# and where it comes from outside (an otherwise unused host id).
SANDBOX_USER = 1000
SANDBOX_USER_OUTSIDE = 100000

DEFAULT_BRIDGES = {"br0": "10.0.2.1/24"}

UNDERLAY_PREFIX = "192.168.100."
UNDERLAY_MTU = 1550             # 1500-byte frames plus VXLAN's 50 bytes
VXLAN_FIRST_VNI = 42
VXLAN_PORT = 4789

TUNGETIFF = 0x800454D2
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_VNET_HDR = 0x4000
IFF_MULTI_QUEUE = 0x0100


class SandboxError(RuntimeError):
    pass


class Sandbox:
    """One private network.  Use as a context manager, or start()/close()."""

    def __init__(self, workdir, bridges=None, dhcp=True, tftp_root=None,
                 acl_path=None, acl_text="allow br0\n", files=None, hosts=1):
        self.workdir = Path(workdir)
        self.bridges = dict(DEFAULT_BRIDGES if bridges is None else bridges)
        for name in self.bridges:
            if not 0 < len(name) <= 10:   # leaves room for "-host"/"-port"
                raise SandboxError(f"bridge name {name!r}: use 1 to 10 bytes")
        if not 1 <= hosts <= 50:
            raise SandboxError(f"hosts={hosts}: use 1 to 50")
        self.hosts = hosts
        self.dhcp = dhcp
        self.tftp_root = str(tftp_root) if tftp_root else None
        self.acl_path = acl_path
        self.acl_source = self.workdir / "bridge.conf"
        # Other files to show inside at fixed paths: {inside: outside}.
        self.files = dict(files or {})
        self.init = None
        self.init_pid = None        # host pid of the namespace's pid 1
        self.maps_user = os.geteuid() == 0
        self._children = []
        if acl_path:
            self.set_acl(acl_text)

    # -- lifetime ---------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = {
            "workdir": str(self.workdir),
            "bridges": self.bridges,
            "dhcp": self.dhcp,
            "hosts": self.hosts,
            "tftp_root": self.tftp_root,
            "place": [[path, str(self.acl_source)] for path in
                      ([self.acl_path] if isinstance(self.acl_path, str)
                       else list(self.acl_path or []))]
                     + [[inside, str(outside)]
                        for inside, outside in self.files.items()],
        }
        config["tun_node"] = self._world_usable_tun()
        config_path = self.workdir / "sandbox.json"
        config_path.write_text(json.dumps(config))
        self.init_log = self.workdir / "sandbox-init.log"
        # The shell waits for its id maps before exec'ing the init, so that
        # the init starts as a mapped root with full capabilities.
        argv = ["unshare", "--user", "--net", "--mount", "--pid", "--fork",
                "--kill-child", "--propagation", "private", "--",
                "/bin/sh", "-c", 'read go && exec "$@"', "sandbox-init",
                "/usr/bin/python3",
                os.path.abspath(__file__), "--init", str(config_path)]
        log = open(self.init_log, "wb")
        self.init = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=log,
                                     start_new_session=True)
        log.close()
        try:
            self._write_id_maps(self.init.pid)
            self.init.stdin.write(b"go\n")
            self.init.stdin.flush()
            line = self.init.stdout.readline().decode().strip()
            if line != "ready":
                raise SandboxError("sandbox did not start:\n" + self.logs())
            self.init_pid = self._find_init_pid()
        except BaseException:
            self.close()
            raise
        return self

    def _world_usable_tun(self):
        """Some hosts leave /dev/net/tun 0600 where Debian's udev makes it
        0666.  A root-run sandbox (the only kind that maps an unprivileged
        user) then shows its users a 0666 node for the same device, as a
        stock Debian machine would; the host's node is left as it is."""
        st = os.stat("/dev/net/tun")
        if not self.maps_user or st.st_mode & 0o006 == 0o006:
            return None
        node = self.workdir / "dev-net-tun"
        os.mknod(node, stat.S_IFCHR | 0o666, st.st_rdev)
        os.chmod(node, 0o666)
        return str(node)

    def _write_id_maps(self, unshare_pid):
        # unshare creates the namespace right after it starts; wait for it.
        own = os.readlink("/proc/self/ns/user")
        deadline = time.monotonic() + 10
        while os.readlink(f"/proc/{unshare_pid}/ns/user") == own:
            if time.monotonic() > deadline or self.init.poll() is not None:
                raise SandboxError("unshare did not create a user namespace:\n"
                                   + self.logs())
            time.sleep(0.002)
        uid, gid = os.geteuid(), os.getegid()
        proc = Path(f"/proc/{unshare_pid}")
        if self.maps_user:
            (proc / "uid_map").write_text(
                f"0 {uid} 1\n{SANDBOX_USER} {SANDBOX_USER_OUTSIDE} 1\n")
            (proc / "gid_map").write_text(
                f"0 {gid} 1\n{SANDBOX_USER} {SANDBOX_USER_OUTSIDE} 1\n")
        else:
            (proc / "setgroups").write_text("deny")
            (proc / "uid_map").write_text(f"0 {uid} 1\n")
            (proc / "gid_map").write_text(f"0 {gid} 1\n")

    def _find_init_pid(self):
        children = Path(f"/proc/{self.init.pid}/task/{self.init.pid}/children")
        pids = children.read_text().split()
        if len(pids) != 1:
            raise SandboxError("cannot find the sandbox's init process")
        return int(pids[0])

    def _processes_inside(self, user_ns):
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == self.init.pid:
                continue
            try:
                if os.readlink(f"/proc/{entry}/ns/user") == user_ns:
                    pids.append(int(entry))
            except OSError:
                pass
        return pids

    def _kill_everything_inside(self):
        """Commands entered with nsenter run in the host's pid namespace (so
        their pids and signals are ordinary); what they leave behind is found
        by its user namespace, which only sandbox processes have."""
        try:
            user_ns = os.readlink(f"/proc/{self.init_pid}/ns/user")
        except OSError:
            return
        for _ in range(100):
            pids = self._processes_inside(user_ns)
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def close(self):
        for child in self._children:
            if child.poll() is None:
                child.kill()
        if self.init_pid is not None:
            self._kill_everything_inside()
        for child in self._children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._children.clear()
        if self.init is not None:
            if self.init.poll() is None:
                try:
                    self.init.stdin.close()     # init's signal to finish
                except BrokenPipeError:
                    pass
                try:
                    self.init.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.init.pid, signal.SIGKILL)
                    self.init.wait()
            self.init.stdout.close()
            self.init = None

    # -- running things inside -------------------------------------------

    def command(self, argv, user=None, host=0):
        """The argv that runs ARGV inside the sandbox (as USER if given), on
        simulated host HOST."""
        if self.init_pid is None:
            raise SandboxError("sandbox is not running")
        if not 0 <= host < self.hosts:
            raise SandboxError(f"host {host}: the sandbox has {self.hosts}")
        # Our host ids are mapped to the namespace's root, so keeping them
        # (--preserve-credentials) makes us root in there.
        prefix = ["nsenter", f"--target={self.init_pid}", "--user", "--net",
                  "--mount", "--preserve-credentials", f"--wd={os.getcwd()}"]
        if host:
            # named in the sandbox's mount namespace: a second step
            prefix += ["nsenter", f"--net={self.workdir}/netns/h{host}",
                       "--"]
        if user is not None:
            prefix += ["setpriv", f"--reuid={user}", f"--regid={user}",
                       "--clear-groups", "--"]
        return prefix + [str(a) for a in argv]

    def popen(self, argv, user=None, host=0, **kwargs):
        """Starts ARGV inside; it is killed when the sandbox closes."""
        child = subprocess.Popen(self.command(argv, user, host), **kwargs)
        self._children.append(child)
        return child

    def run(self, argv, check=False, timeout=60, user=None, host=0,
            **kwargs):
        kwargs.setdefault("capture_output", True)
        kwargs.setdefault("text", True)
        result = subprocess.run(self.command(argv, user, host),
                                timeout=timeout,
                                **kwargs)
        if check and result.returncode != 0:
            raise SandboxError(f"{argv} failed ({result.returncode}):\n"
                               f"{result.stdout}{result.stderr}")
        return result

    def spawn(self, argv, timeout=60, logfile=None, user=None, host=0):
        """A pexpect session on ARGV inside the sandbox (for consoles)."""
        import pexpect
        cmd = self.command(argv, user, host)
        child = pexpect.spawn(cmd[0], cmd[1:], timeout=timeout,
                              logfile=logfile, encoding="utf-8",
                              codec_errors="replace")
        self._children.append(_PexpectHandle(child))
        return child

    # -- inspection ------------------------------------------------------

    def links(self, host=0):
        out = self.run(["ip", "-j", "-d", "link", "show"], check=True,
                       host=host).stdout
        return json.loads(out)

    def link(self, name, host=0):
        for link in self.links(host):
            if link["ifname"] == name:
                return link
        return None

    def taps(self, host=0):
        return [link["ifname"] for link in self.links(host)
                if link.get("linkinfo", {}).get("info_kind") == "tun"]

    def set_acl(self, text):
        """Rewrites the ACL in place (the bind mount follows the inode)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.acl_source, "w") as f:
            f.write(text)
        os.chmod(self.acl_source, 0o644)

    def logs(self):
        parts = []
        for path in (self.workdir / "sandbox-init.log",
                     self.workdir / "dnsmasq.log"):
            if path.exists():
                parts.append(f"--- {path.name}\n{path.read_text(errors='replace')}")
        if self.init_pid is not None and self.init and self.init.poll() is None:
            for cmd in (["ip", "-d", "addr"], ["bridge", "link"]):
                result = self.run(cmd)
                parts.append(f"--- {' '.join(cmd)}\n{result.stdout}{result.stderr}")
        return "\n".join(parts)


class _PexpectHandle:
    """Lets Sandbox.close() treat a pexpect child like a Popen."""

    def __init__(self, child):
        self.child = child

    def poll(self):
        return None if self.child.isalive() else self.child.exitstatus

    def kill(self):
        self.child.terminate(force=True)

    def wait(self, timeout=None):
        if self.child.isalive():
            self.child.terminate(force=True)


# -- receiving a tap from a helper -------------------------------------------

def tap_info(fd):
    """(name, flags) of the tap behind FD, from TUNGETIFF."""
    ifr = bytearray(40)
    fcntl.ioctl(fd, TUNGETIFF, ifr)
    name = bytes(ifr[:16]).split(b"\0", 1)[0].decode()
    flags = struct.unpack_from("H", ifr, 16)[0]
    return name, flags


def run_helper(sandbox, helper, args, user=None, timeout=30, fds=None):
    """Runs HELPER ARGS inside SANDBOX the way QEMU does: a socketpair, our
    end kept here, theirs passed as --fd (append "{fd}" in ARGS where the fd
    number goes).  Returns (returncode, stderr, tap fd or None); with FDS=N
    (--queues=N) the third item is the list of fds received instead."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        argv = [helper] + [a.replace("{fd}", str(theirs.fileno())) for a in args]
        proc = subprocess.run(sandbox.command(argv, user),
                              pass_fds=(theirs.fileno(),), capture_output=True,
                              text=True, timeout=timeout)
        theirs.close()
        tapfd = None if fds is None else []
        if proc.returncode == 0:
            ours.settimeout(5)
            # room for more than asked: an extra fd would show
            msg, got, _, _ = socket.recv_fds(ours, 1, (fds or 1) + 1)
            if fds is not None:
                tapfd = got
            else:
                assert len(got) <= 1, got
                tapfd = got[0] if got else None
        return proc.returncode, proc.stderr, tapfd
    finally:
        theirs.close()
        ours.close()


# -- the init program, inside the namespaces ---------------------------------

def _sh(*argv):
    result = subprocess.run([str(a) for a in argv], capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise SandboxError(f"{' '.join(map(str, argv))}: "
                           f"{result.stderr.strip()}")


def _mount(*args):
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SandboxError(f"mount {' '.join(args)}: {result.stderr.strip()}")


def _place_file(target, source, stash):
    """Makes SOURCE visible at TARGET in this mount namespace, creating the
    directories it needs without hiding what is already next to them (the
    old directory is kept visible through STASH, an empty directory)."""
    target = Path(target)
    missing = []
    anchor = target.parent
    while not anchor.is_dir():
        missing.insert(0, anchor.name)
        anchor = anchor.parent
    if not missing and target.exists():
        _mount("--bind", source, target)
        return
    # Overlay ANCHOR with a tmpfs, then bring its old entries back.
    stash = Path(stash)
    stash.mkdir(parents=True, exist_ok=True)
    _mount("--rbind", anchor, stash)
    _mount("-t", "tmpfs", "-o", "mode=0755", "sandbox-etc", anchor)
    for entry in os.listdir(stash):
        src, dst = stash / entry, anchor / entry
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
            continue
        if src.is_dir():
            dst.mkdir()
        else:
            dst.touch()
        _mount("--rbind", src, dst)
    directory = anchor
    for name in missing:
        directory = directory / name
        directory.mkdir(mode=0o755)
    target.touch()
    _mount("--bind", source, target)


def _start_dnsmasq(config):
    workdir = Path(config["workdir"])
    log = workdir / "dnsmasq.log"
    argv = ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
            "--no-resolv", "--no-hosts", "--port=0", "--bind-interfaces",
            "--except-interface=lo", "--user=root", "--group=root",
            "--pid-file=", f"--dhcp-leasefile={workdir / 'dnsmasq.leases'}",
            f"--log-facility={log}", "--log-dhcp", "--dhcp-authoritative",
            # No ICMP probe before an offer: leases come in ms, not 3 s.
            "--no-ping"]
    for bridge, cidr in config["bridges"].items():
        address = cidr.split("/")[0]
        base = address.rsplit(".", 1)[0]
        argv += [f"--interface={bridge}-host",
                 f"--dhcp-range={base}.15,{base}.99,255.255.255.0,1h"]
    if config["tftp_root"]:
        argv += ["--enable-tftp", f"--tftp-root={config['tftp_root']}"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=sys.stderr)
    deadline = time.monotonic() + 10
    while True:
        text = log.read_text() if log.exists() else ""
        if text.count("DHCP, IP range") >= len(config["bridges"]):
            return proc
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SandboxError("dnsmasq did not start:\n" + text)
        time.sleep(0.01)


def _host_address(cidr, host):
    """The bridge's host address CIDR as host HOST has it."""
    address, prefix = cidr.split("/")
    a, b, c, d = address.split(".")
    return f"{a}.{b}.{c}.{int(d) + host}/{prefix}"


def _make_bridges(config, host, run):
    """The bridges and their host ends, on HOST; RUN runs a command there."""
    run("ip", "link", "set", "lo", "up")
    for bridge, cidr in config["bridges"].items():
        end, port = f"{bridge}-host", f"{bridge}-port"
        run("ip", "link", "add", bridge, "type", "bridge")
        run("ip", "link", "add", end, "type", "veth", "peer", "name", port)
        run("ip", "link", "set", port, "master", bridge)
        run("ip", "addr", "add", _host_address(cidr, host), "dev", end)
        for link in (bridge, port, end):
            run("ip", "link", "set", link, "up")


def _stretch_bridges(config, host, uplink, run):
    """A VXLAN port on each bridge of HOST, flooding to every other host."""
    local = f"{UNDERLAY_PREFIX}{1 + host}"
    for k, bridge in enumerate(config["bridges"]):
        vx = f"vx{k}"
        run("ip", "link", "add", vx, "type", "vxlan",
            "id", str(VXLAN_FIRST_VNI + k), "local", local,
            "dstport", str(VXLAN_PORT), "dev", uplink)
        run("ip", "link", "set", vx, "master", bridge)
        run("ip", "link", "set", vx, "up")
        for other in range(config["hosts"]):
            if other != host:
                run("bridge", "fdb", "append", "00:00:00:00:00:00",
                    "dev", vx, "dst", f"{UNDERLAY_PREFIX}{1 + other}")


def _bind_new_netns(main_pid, path, uplink):
    """A new network namespace, kept alive by a bind mount on PATH, with
    our link UPLINK moved into it.  (Not `unshare --net=PATH`: it names its
    child in the host's /proc by the pid it has in our pid namespace.  The
    kernel, for `ip link set ... netns PID`, wants that pid instead.)"""
    ours = os.readlink("/proc/self/ns/net")
    holder = subprocess.Popen(["unshare", "--net", "--", "/bin/sh", "-c",
                               "read x"], stdin=subprocess.PIPE)
    try:
        children = Path(f"/proc/{main_pid}/task/{main_pid}/children")
        deadline = time.monotonic() + 10
        while True:
            found = [pid for pid in children.read_text().split()
                     if os.readlink(f"/proc/{pid}/ns/net") != ours]
            if found:
                break
            if time.monotonic() > deadline:
                raise SandboxError("unshare --net did not start")
            time.sleep(0.001)
        _mount("--bind", f"/proc/{found[0]}/ns/net", str(path))
        _sh("ip", "link", "set", uplink, "netns", holder.pid)
    finally:
        holder.stdin.close()
        holder.wait()


def _make_hosts(config):
    """Hosts 1..N-1: a network namespace each, bind-mounted (in this mount
    namespace only) on netns/hI in the work directory, linked to host 0's
    underlay."""
    netns_dir = Path(config["workdir"], "netns")
    netns_dir.mkdir(exist_ok=True)
    # /proc is the host's: /proc/self names this process by its host pid,
    # which is what `ip ... netns PID` looks up
    main_pid = os.readlink("/proc/self")
    _sh("ip", "link", "add", "ul0", "mtu", UNDERLAY_MTU, "type", "bridge")
    _sh("ip", "addr", "add", f"{UNDERLAY_PREFIX}1/24", "dev", "ul0")
    _sh("ip", "link", "set", "ul0", "up")
    for host in range(1, config["hosts"]):
        netns = netns_dir / f"h{host}"
        netns.touch()
        _sh("ip", "link", "add", f"ul-h{host}", "mtu", UNDERLAY_MTU,
            "type", "veth", "peer", "name", "uplink", "mtu", UNDERLAY_MTU)
        _bind_new_netns(main_pid, netns, "uplink")

        def run(*argv, netns=netns):
            _sh("nsenter", f"--net={netns}", "--", *argv)

        _sh("ip", "link", "set", f"ul-h{host}", "master", "ul0")
        _sh("ip", "link", "set", f"ul-h{host}", "up")
        _make_bridges(config, host, run)
        run("ip", "addr", "add", f"{UNDERLAY_PREFIX}{1 + host}/24",
            "dev", "uplink")
        run("ip", "link", "set", "uplink", "up")
        _stretch_bridges(config, host, "uplink", run)
    _stretch_bridges(config, 0, "ul0", _sh)


def init_main(config_path):
    config = json.loads(Path(config_path).read_text())
    _make_bridges(config, 0, _sh)
    if config["hosts"] > 1:
        _make_hosts(config)
    if config["tun_node"]:
        _mount("--bind", config["tun_node"], "/dev/net/tun")
    for i, (inside, outside) in enumerate(config["place"]):
        _place_file(inside, outside, Path(config["workdir"]) / f"stash{i}")
    dnsmasq = _start_dnsmasq(config) if config["dhcp"] else None
    print("ready", flush=True)
    sys.stdin.read()                      # until the owner closes our stdin
    if dnsmasq:
        dnsmasq.terminate()
        dnsmasq.wait()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--init":
        try:
            init_main(sys.argv[2])
        except Exception as e:          # reported through the init log
            print(f"sandbox init failed: {e}", file=sys.stderr)
            sys.exit(1)
    else:
        print("usage: sandbox.py --init CONFIG (use scripts/netns-sandbox)",
              file=sys.stderr)
        sys.exit(2)
