"""The capability probe libvirt 9.0 runs (docs/system/libvirt.rst): its
command line and the QMP queries it sends, each answered from what this
binary has (device types, machine classes, option tables)."""

import subprocess

import pytest

from qmp import QMPClient, QMPError


@pytest.fixture
def probe(emulator, tmp_path):
    """The emulator started exactly as libvirt's probe starts it."""
    sock = str(tmp_path / "qmp.sock")
    pidfile = tmp_path / "pid"
    r = subprocess.run([emulator, "-S", "-no-user-config", "-nodefaults",
                        "-nographic", "-machine", "none,accel=kvm:tcg",
                        "-qmp", f"unix:{sock},server=on,wait=off",
                        "-pidfile", str(pidfile), "-daemonize"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    c = QMPClient(sock)
    c.connect()
    yield c
    try:
        c.execute("quit")
    except (QMPError, OSError):
        pass
    c.close()


def test_version_target_kvm(probe):
    v = probe.execute("query-version")
    assert v["qemu"] == {"major": 7, "minor": 2, "micro": 0}
    assert v["package"].startswith("qemu-bridge ")
    assert probe.execute("query-target") == {"arch": "riscv64"}
    assert probe.execute("query-kvm") == {"enabled": False, "present": False}


def test_qom_list_types(probe):
    types = {t["name"]: t for t in probe.execute("qom-list-types")}
    assert {"virtio-net-pci", "pcie-root-port", "virtio-net-device",
            "virtio-net-pci-transitional", "virtio-net-pci-non-transitional",
            "virt-machine", "none-machine"} <= set(types)
    assert not any(t.get("abstract") for t in types.values())
    assert types["virt-machine"]["parent"] == "machine"
    # built by the board, not by -device; libvirt assigns PCI addresses
    # on riscv virt only when it is there
    assert types["gpex-pcihost"]["parent"] == "device"
    # libvirt knows TCG by this type ("does not support virt type 'qemu'")
    assert types["tcg-accel"]["parent"] == "accel"
    assert probe.execute("qom-list-properties", typename="tcg-accel") == [
        {"name": n, "type": "str"} for n in ("thread", "tb-size", "split-wx")]
    pci = {t["name"] for t in probe.execute("qom-list-types",
                                            implements="pci-device")}
    assert "virtio-net-pci" in pci and "virt-machine" not in pci
    everything = {t["name"]: t for t in
                  probe.execute("qom-list-types", abstract=True)}
    assert everything["device"] == {"name": "device", "abstract": True,
                                    "parent": "object"}
    assert "parent" not in everything["object"]
    assert probe.execute("qom-list-types", implements="nosuch") == []


def test_device_list_properties(probe):
    props = {p["name"]: p for p in
             probe.execute("device-list-properties",
                           typename="virtio-net-pci")}
    assert {"netdev", "mac", "addr", "disable-legacy"} <= set(props)
    assert props["addr"]["type"] == "int32"
    for fixed in ("virtio-net-pci-transitional",
                  "virtio-net-pci-non-transitional"):
        names = [p["name"] for p in
                 probe.execute("device-list-properties", typename=fixed)]
        assert set(names) == set(props) - {"disable-legacy"}
    # libvirt asks about ~24 types; the ones we lack answer DeviceNotFound
    with pytest.raises(QMPError) as e:
        probe.execute("device-list-properties", typename="virtio-blk-pci")
    assert e.value.error_class == "DeviceNotFound"
    assert e.value.desc == "Device 'virtio-blk-pci' not found"
    for name in ("virt-machine", "pci-device"):
        with pytest.raises(QMPError) as e:
            probe.execute("device-list-properties", typename=name)
        assert e.value.error_class == "GenericError"
        assert "expects a non-abstract device type" in e.value.desc


def test_qom_list_properties(probe):
    # libvirtd 9.0 crashes on an error here: an empty list comes back
    for name in ("memory-backend-file", "memory-backend-memfd"):
        assert probe.execute("qom-list-properties", typename=name) == []
    virt = probe.execute("qom-list-properties", typename="virt-machine")
    assert {"name": "dumpdtb", "type": "str"} in virt
    # every machine has QEMU's machine-wide usb= and dump-guest-core=
    common = [{"name": "usb", "type": "bool"},
              {"name": "dump-guest-core", "type": "bool"}]
    assert all(p in virt for p in common)
    assert probe.execute("qom-list-properties",
                         typename="none-machine") == common
    root = probe.execute("qom-list-properties", typename="pcie-root-port")
    assert root == probe.execute("device-list-properties",
                                 typename="pcie-root-port")
    with pytest.raises(QMPError) as e:
        probe.execute("qom-list-properties", typename="nosuch")
    assert e.value.error_class == "DeviceNotFound"


def test_query_machines(probe, emulator):
    machines = {m["name"]: m for m in probe.execute("query-machines")}
    assert set(machines) == {"none", "virt"}
    assert machines["virt"]["is-default"] is True
    assert machines["virt"]["cpu-max"] == 8
    assert "is-default" not in machines["none"]
    # no default-ram-id: RAM is not a memory backend object here
    assert "default-ram-id" not in machines["virt"]
    listed = subprocess.run([emulator, "-M", "help"], capture_output=True,
                            text=True).stdout
    for name in machines:
        assert f"\n{name} " in listed


def test_command_line_options(probe):
    options = [o["option"] for o in
               probe.execute("query-command-line-options")]
    assert len(options) == len(set(options))
    assert {"machine", "netdev", "device", "chardev", "name"} <= set(options)
    # options we do not have are absent, so libvirt does not pass them
    assert not {"sandbox", "spice", "vnc", "M", "S"} & set(options)
    assert probe.execute("query-command-line-options", option="name") == [
        {"option": "name", "parameters": []}]
    with pytest.raises(QMPError) as e:
        probe.execute("query-command-line-options", option="sandbox")
    assert e.value.desc == "invalid option name: sandbox"


def test_migrate_capabilities_and_tpm(probe):
    assert probe.execute("query-migrate-capabilities") == [
        {"capability": "events", "state": False}]
    probe.execute("migrate-set-capabilities", capabilities=[
        {"capability": "events", "state": True}])
    assert probe.execute("query-migrate-capabilities") == [
        {"capability": "events", "state": True}]
    with pytest.raises(QMPError) as e:
        probe.execute("migrate-set-capabilities", capabilities=[
            {"capability": "xbzrle", "state": True}])
    assert e.value.error_class == "GenericError"
    assert probe.execute("query-migrate-capabilities")[0]["state"] is True
    assert probe.execute("query-tpm-models") == []
    assert probe.execute("query-tpm-types") == []
