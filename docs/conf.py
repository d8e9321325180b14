# Sphinx configuration: the docs are plain reStructuredText; the build makes
# the man pages listed below (see docs/meson.build).
project = "qemu-bridge"
copyright = "the qemu-bridge authors"
master_doc = "index"
exclude_patterns = ["_build"]
man_pages = [
    ("tools/qemu-bridge-helper", "qemu-bridge-helper",
     "create a tap device on a Linux bridge for QEMU", [], 8),
]
