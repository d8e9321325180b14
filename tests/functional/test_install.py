"""meson install puts the helper, its sample ACL and its man page in place."""

import json
import os
import stat
import subprocess
from pathlib import Path


def test_install_layout(build_dir, tmp_path):
    info = subprocess.run(["meson", "introspect", "--buildoptions", str(build_dir)],
                          capture_output=True, text=True, check=True).stdout
    options = {o["name"]: o["value"] for o in json.loads(info)}
    prefix = options["prefix"].lstrip("/")
    result = subprocess.run(["meson", "install", "-C", str(build_dir), "--quiet",
                             "--no-rebuild", "--destdir", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    root = tmp_path / prefix
    helper = root / options["libexecdir"] / "qemu-bridge-helper"
    mode = helper.stat().st_mode
    if os.geteuid() == 0:
        assert stat.S_IMODE(mode) == 0o4755      # setuid root by default
        assert helper.stat().st_uid == 0
    else:
        assert mode & stat.S_IXUSR
    sample = root / options["datadir"] / "doc/qemu-bridge/bridge.conf.sample"
    assert "allow br0" in sample.read_text()
    man = root / options["mandir"] / "man8/qemu-bridge-helper.8"
    if (build_dir / "docs" / "qemu-bridge-helper.8").exists():
        assert "qemu-bridge-helper" in man.read_text()
