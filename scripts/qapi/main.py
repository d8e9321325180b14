"""Command line of the schema compiler (scripts/qapi-gen.py)."""

import argparse
import os
import sys

from .error import QAPIError
from .schema import Schema
from . import gen_types, gen_visit, gen_commands, gen_events, gen_introspect

BACKENDS = (gen_types, gen_visit, gen_commands, gen_events, gen_introspect)


def main(argv):
    ap = argparse.ArgumentParser(
        prog='qapi-gen.py',
        description='Compile a QAPI schema into C in OUTPUT_DIR: '
        'PREFIXqapi-{types,visit,commands,events,introspect}.[ch]')
    ap.add_argument('-o', '--output-dir', default='.',
                    help='where to write the generated files')
    ap.add_argument('-p', '--prefix', default='',
                    help='prefix for file names and global symbols')
    ap.add_argument('--check', action='store_true',
                    help='only check the schema, write nothing')
    ap.add_argument('schema', help='the main schema file')
    args = ap.parse_args(argv)
    if args.prefix and not all(ch.isalnum() or ch in '-_'
                               for ch in args.prefix):
        ap.error("invalid prefix '%s'" % args.prefix)
    try:
        schema = Schema(args.schema)
    except QAPIError as e:
        print(str(e), file=sys.stderr)
        return 1
    if args.check:
        return 0
    os.makedirs(args.output_dir, exist_ok=True)
    for backend in BACKENDS:
        backend.generate(schema, args.output_dir, args.prefix)
    return 0
