#!/usr/bin/python3
"""Shows that scripts/check-layers fails when it should.

The include check runs on a temporary copy of the tree's sources, edited
to break one rule at a time; the link check runs on the real build with
its allowlist edited.  Standard library only.

Usage: test-check-layers.py SOURCE_DIR [BUILD_DIR]
"""

import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = BUILD_DIR = None


def load_check():
    path = os.path.join(SOURCE_DIR, 'scripts', 'check-layers')
    loader = importlib.machinery.SourceFileLoader('check_layers', path)
    spec = importlib.util.spec_from_loader('check_layers', loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class IncludeCheck(unittest.TestCase):
    def setUp(self):
        self.top = tempfile.mkdtemp(prefix='check-layers-')
        self.addCleanup(shutil.rmtree, self.top)
        check = load_check()
        for path in check.source_files(SOURCE_DIR):
            os.makedirs(os.path.join(self.top, os.path.dirname(path)),
                        exist_ok=True)
            shutil.copy(os.path.join(SOURCE_DIR, path),
                        os.path.join(self.top, path))

    def run_check(self):
        r = subprocess.run([sys.executable,
                            os.path.join(SOURCE_DIR, 'scripts', 'check-layers'),
                            '--source-dir', self.top],
                           capture_output=True, text=True)
        return r.returncode, r.stderr

    def edit(self, path, old, new):
        full = os.path.join(self.top, path)
        with open(full) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(full, 'w') as f:
            f.write(text.replace(old, new, 1))

    def add_include(self, path, header):
        self.edit(path, '#include', f'#include "{header}"\n#include')

    def assertFails(self, *messages):
        rc, err = self.run_check()
        self.assertEqual(rc, 1, err)
        for message in messages:
            self.assertIn(message, err)

    def test_copy_is_clean(self):
        rc, err = self.run_check()
        self.assertEqual(rc, 0, err)

    def test_upward_include(self):
        self.add_include('util/main-loop.c', 'system/vl.h')
        self.assertFails('util/main-loop.c:', 'layer util includes '
                         '"system/vl.h" of layer system')

    def test_sideways_include(self):
        # The CPU is beside the device model, not above it.
        self.add_include('target/riscv/cpu.c', 'hw/qdev.h')
        self.assertFails('layer target includes "hw/qdev.h" of layer hw-core')

    def test_helper_is_isolated(self):
        self.add_include('bridge-helper/acl.c', 'qemu/log.h')
        self.assertFails('layer helper includes "qemu/log.h" of layer util')

    def test_nobody_uses_the_helper(self):
        self.add_include('net/net.c', 'bridge-helper/acl.h')
        self.assertFails('layer net includes "bridge-helper/acl.h"')

    def test_stale_allowlist_entry(self):
        # An entry for an upward include that does not exist: stale.
        check = load_check()
        check.ALLOWED_INCLUDES.add(('net/tap.c', 'monitor/monitor.h'))
        found = []
        check.check_includes(self.top, check.usable_layers(), found)
        self.assertIn('net/tap.c: no longer includes "monitor/monitor.h" '
                      'upward: remove it from ALLOWED_INCLUDES', found)

    def test_allowlisted_include(self):
        # A listed upward include passes; the same include unlisted fails.
        self.add_include('net/tap.c', 'monitor/monitor.h')
        check = load_check()
        found = []
        check.check_includes(self.top, check.usable_layers(), found)
        self.assertTrue(any('layer net includes "monitor/monitor.h"' in p
                            for p in found), found)
        check.ALLOWED_INCLUDES.add(('net/tap.c', 'monitor/monitor.h'))
        found = []
        check.check_includes(self.top, check.usable_layers(), found)
        self.assertEqual(found, [])

    def test_unknown_folder(self):
        os.makedirs(os.path.join(self.top, 'newdir'))
        with open(os.path.join(self.top, 'newdir', 'x.c'), 'w') as f:
            f.write('int x;\n')
        self.assertFails('newdir/x.c: belongs to no layer')


class LinkCheck(unittest.TestCase):
    def setUp(self):
        if not BUILD_DIR:
            self.skipTest('no build directory given')
        self.check = load_check()
        self.usable = self.check.usable_layers()

    def problems(self):
        found = []
        self.check.check_links(SOURCE_DIR, BUILD_DIR, self.usable, found)
        return found

    def test_build_is_clean(self):
        self.assertEqual(self.problems(), [])

    def test_upward_link(self):
        # Pretend util/ sits above net/: net/tap.c's use of the named-fd
        # store becomes an upward link.
        prefixes, uses = self.check.LAYERS['util']
        self.check.LAYERS['util'] = ([p for p in prefixes if p != 'util/'],
                                     uses)
        self.check.LAYERS['store'] = (['util/'], ['net'])
        self.usable = self.check.usable_layers()
        self.assertIn('net/tap.c: layer net uses named_fd_param() of '
                      'util/named-fd.c, layer store, which is not below it',
                      self.problems())

    def test_stale_allowlist_entry(self):
        self.check.ALLOWED_LINKS.add(('util/log.c', 'system/vl.c'))
        self.assertIn('util/log.c: no longer uses system/vl.c upward: '
                      'remove it from ALLOWED_LINKS', self.problems())


if __name__ == '__main__':
    SOURCE_DIR = os.path.abspath(sys.argv[1])
    BUILD_DIR = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    unittest.main(argv=sys.argv[:1], verbosity=2)
