"""pytest fixtures shared by the functional tests.

The tests run the programs of one build tree (QEMU_BUILD_DIR, default
./build) inside private network sandboxes (see sandbox.py).  When a test
fails, the sandbox's logs (its init, dnsmasq, addresses and bridge ports)
are attached to the report.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from sandbox import Sandbox  # noqa: E402

SOURCE_ROOT = Path(__file__).resolve().parents[2]
GUEST_SRC = SOURCE_ROOT / "tests" / "guest-bare"
CROSS_CC = "riscv64-unknown-elf-gcc"


@pytest.fixture(scope="session")
def build_facts():
    build = Path(os.environ.get("QEMU_BUILD_DIR", SOURCE_ROOT / "build"))
    facts_file = build / "build-facts.json"
    if not facts_file.exists():
        pytest.exit(f"{facts_file} is missing: build first (make), or set "
                    "QEMU_BUILD_DIR", returncode=2)
    return json.loads(facts_file.read_text())


@pytest.fixture(scope="session")
def sanitized(build_facts):
    """Built with --enable-sanitizers: ASan keeps freed memory in
    quarantine, so RSS says nothing about leaks there (LeakSanitizer checks
    them at exit instead, failing the exit status)."""
    return build_facts.get("sanitizers", False)


@pytest.fixture(scope="session")
def build_dir(build_facts):
    return Path(build_facts["build_root"])


@pytest.fixture(scope="session")
def helper(build_dir):
    path = build_dir / "qemu-bridge-helper"
    assert path.exists(), f"{path} not built"
    return str(path)


@pytest.fixture(scope="session")
def emulator(build_dir):
    """Our qemu-system-riscv64."""
    path = build_dir / "qemu-system-riscv64"
    assert path.exists(), f"{path} not built"
    return str(path)


@pytest.fixture(scope="session")
def qemu_reference():
    """QEMU 7.2 from Debian, the reference client; tests skip without it."""
    path = shutil.which("qemu-system-riscv64")
    if not path:
        pytest.skip("qemu-system-riscv64 (Debian qemu-system-misc) not installed")
    return path


@pytest.fixture(scope="session")
def guests(tmp_path_factory):
    """Builds the bare-metal guests of tests/guest-bare with
    riscv64-unknown-elf-gcc (no binaries are committed); returns {name:
    path of the ELF}."""
    if not shutil.which(CROSS_CC):
        pytest.skip(f"{CROSS_CC} not installed")
    out = tmp_path_factory.mktemp("guests")
    flags = ["-march=rv64imac_zicsr", "-mabi=lp64", "-mcmodel=medany",
             "-nostdlib", "-nostartfiles", "-ffreestanding", "-O2", "-Wall",
             "-Wl,--no-warn-rwx-segments",
             "-T", str(GUEST_SRC / "link.ld")]
    builds = {
        "wfi": [str(GUEST_SRC / "crt.S"), str(GUEST_SRC / "wfi.c")],
        "storm-unmapped": ["-DKIND=1", str(GUEST_SRC / "storm.S")],
        "storm-illegal": ["-DKIND=2", str(GUEST_SRC / "storm.S")],
        "storm-timer": ["-DKIND=3", str(GUEST_SRC / "storm.S")],
        "storm-kick": ["-DKIND=4", str(GUEST_SRC / "storm.S")],
        "exit5": [str(GUEST_SRC / "exit.S")],
    }
    made = {}
    for name, srcs in builds.items():
        elf = out / f"{name}.elf"
        subprocess.run([CROSS_CC, *flags, *srcs, "-o", str(elf)], check=True)
        made[name] = str(elf)
    return made


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


@pytest.fixture
def make_sandbox(request, tmp_path, build_facts):
    """make_sandbox(**kwargs) -> a started Sandbox, closed after the test.
    kwargs go to Sandbox(); the ACL goes over the build's bridge.conf path,
    and the built helper appears at its installed path (the default helper
    of -netdev bridge)."""
    made = []

    def make(**kwargs):
        kwargs.setdefault("acl_path", build_facts["bridge_conf"])
        kwargs.setdefault("files", {build_facts["bridge_helper"]:
                                    str(Path(build_facts["build_root"]) /
                                        "qemu-bridge-helper")})
        workdir = tmp_path / f"sandbox{len(made)}"
        box = Sandbox(workdir, **kwargs)
        made.append(box)
        return box.start()

    yield make
    failed = getattr(request.node, "rep_call", None)
    for box in made:
        if failed is not None and failed.failed:
            request.node.add_report_section("call", f"sandbox {box.workdir.name}",
                                            box.logs())
        box.close()


@pytest.fixture
def sandbox(make_sandbox):
    """The default sandbox: br0 with 10.0.2.1/24 and DHCP, ACL 'allow br0'."""
    return make_sandbox()
