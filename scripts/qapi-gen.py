#!/usr/bin/env python3
"""QAPI schema compiler: see scripts/qapi/main.py."""

import os
import sys

# Keep the source tree clean: no __pycache__ next to the modules.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qapi.main import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
