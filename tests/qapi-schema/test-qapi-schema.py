#!/usr/bin/env python3
"""Run the schema compiler over every test schema in this directory.

bad-NAME.json must fail with exactly the message in bad-NAME.err (the
compiler's whole stderr, "file:line: message"); good-NAME.json and
qapi-schema-test.json must compile and generate every output file.

Usage: test-qapi-schema.py QAPI_GEN_PY [DIR]
"""

import glob
import os
import subprocess
import sys
import tempfile

OUTPUTS = ['qapi-%s.%s' % (kind, ext)
           for kind in ('types', 'visit', 'commands', 'events', 'introspect')
           for ext in ('c', 'h')]


def run(gen, args, cwd):
    return subprocess.run([sys.executable, gen] + args, cwd=cwd,
                          capture_output=True, text=True, check=False)


def main():
    gen = os.path.abspath(sys.argv[1])
    here = os.path.abspath(sys.argv[2] if len(sys.argv) > 2
                           else os.path.dirname(__file__))
    passed = failed = 0

    def report(ok, name, why=''):
        nonlocal passed, failed
        if ok:
            passed += 1
            print('ok %d %s' % (passed + failed, name))
        else:
            failed += 1
            print('not ok %d %s' % (passed + failed, name))
            for line in why.rstrip('\n').split('\n'):
                print('#   ' + line)

    bad = sorted(glob.glob(os.path.join(here, 'bad-*.json')))
    good = sorted(glob.glob(os.path.join(here, 'good-*.json')))
    good.append(os.path.join(here, 'qapi-schema-test.json'))
    print('1..%d' % (len(bad) + len(good)))

    for path in bad:
        name = os.path.basename(path)
        errfile = path[:-len('.json')] + '.err'
        try:
            with open(errfile, encoding='utf-8') as f:
                expected = f.read()
        except OSError:
            report(False, name, 'missing %s' % os.path.basename(errfile))
            continue
        res = run(gen, ['--check', name], here)
        if res.returncode != 1:
            report(False, name, 'exit code %d, expected 1\nstderr: %s'
                   % (res.returncode, res.stderr))
        elif res.stderr != expected:
            report(False, name, 'expected: %sgot:      %s'
                   % (expected, res.stderr))
        else:
            report(True, name)

    for path in good:
        name = os.path.basename(path)
        with tempfile.TemporaryDirectory() as out:
            res = run(gen, ['-o', out, '-p', 'x-', name], here)
            missing = [o for o in OUTPUTS
                       if not os.path.exists(os.path.join(out, 'x-' + o))]
            if res.returncode != 0 or res.stderr or missing:
                report(False, name, 'exit code %d\nstderr: %s\nmissing: %s'
                       % (res.returncode, res.stderr, ' '.join(missing)))
            else:
                report(True, name)

    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
