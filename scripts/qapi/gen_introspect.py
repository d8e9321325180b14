"""Introspection data for query-qmp-schema, in the SchemaInfo format of
qapi/introspect.json (the same shape QEMU's clients parse).

Only what commands and events reach is described.  Names are not masked;
implicit types keep their q_obj_... names, arrays are written '[ELEM]',
every integer type is 'int', and 'q_empty' stands for "no arguments"."""

import json

from .common import CFile, guard_for, c_str
from .schema import (BuiltinType, EnumType, ArrayType, ObjectType, Command,
                     Event, c_name)


class _Walker:
    def __init__(self, schema):
        self.schema = schema
        self.used = []
        self.used_names = set()
        self.need_empty = False

    def name(self, typ):
        if typ is None:
            self.need_empty = True
            return 'q_empty'
        if isinstance(typ, BuiltinType) and typ.json_type() == 'int':
            typ = self.schema.entities['int']
        if isinstance(typ, ArrayType):
            elem = self.name(typ.element_type)
            key = '[%s]' % elem
            if key not in self.used_names:
                self.used_names.add(key)
                self.used.append(('array', key, elem))
            return key
        if typ.name not in self.used_names:
            self.used_names.add(typ.name)
            self.used.append(('type', typ.name, typ))
        return typ.name


def _features(ent, obj):
    if ent.features:
        obj['features'] = [f.name for f in ent.features]
    return obj


def _member(w, m):
    obj = {'name': m.name, 'type': w.name(m.type)}
    if m.optional:
        obj['default'] = None
    if m.features:
        obj['features'] = [f.name for f in m.features]
    return obj


def _type_info(w, typ):
    if isinstance(typ, BuiltinType):
        return {'name': typ.name, 'meta-type': 'builtin',
                'json-type': typ.json_type()}
    if isinstance(typ, EnumType):
        members = []
        for m in typ.members:
            mo = {'name': m.name}
            if m.features:
                mo['features'] = [f.name for f in m.features]
            members.append(mo)
        return _features(typ, {'name': typ.name, 'meta-type': 'enum',
                               'members': members,
                               'values': [m.name for m in typ.members]})
    assert isinstance(typ, ObjectType)
    obj = {'name': typ.name, 'meta-type': 'object',
           'members': [_member(w, m) for m in typ.members]}
    if typ.variants:
        obj['tag'] = typ.variants.tag_member.name
        obj['variants'] = [{'case': case, 'type': w.name(t)}
                           for case, t in typ.variants.all_cases()]
    return _features(typ, obj)


def schema_info(schema):
    w = _Walker(schema)
    entries = []
    for ent in schema.order:
        if isinstance(ent, Command):
            obj = {'name': ent.name, 'meta-type': 'command',
                   'arg-type': w.name(ent.arg_type),
                   'ret-type': w.name(ent.ret_type)}
            if ent.allow_oob:
                obj['allow-oob'] = True
            entries.append(_features(ent, obj))
        elif isinstance(ent, Event):
            entries.append(_features(ent, {'name': ent.name,
                                           'meta-type': 'event',
                                           'arg-type': w.name(ent.arg_type)}))
    i = 0
    while i < len(w.used):
        kind, name, what = w.used[i]
        i += 1
        if kind == 'array':
            entries.append({'name': name, 'meta-type': 'array',
                            'element-type': what})
        else:
            entries.append(_type_info(w, what))
    if w.need_empty:
        entries.append({'name': 'q_empty', 'meta-type': 'object',
                        'members': []})
    return entries


def generate(schema, outdir, prefix):
    cprefix = c_name(prefix, False)
    hname = prefix + 'qapi-introspect.h'
    h = CFile(hname, 'Introspection data for query-qmp-schema',
              guard_for(hname))
    c = CFile(prefix + 'qapi-introspect.c',
              'Introspection data for query-qmp-schema')
    h.add('/* A JSON array of SchemaInfo (see qapi/introspect.json). */\n'
          'extern const char %sqapi_schema_json[];\n' % cprefix)
    c.add('#include "%s"\n\nconst char %sqapi_schema_json[] =\n'
          % (hname, cprefix))
    entries = schema_info(schema)
    lines = ['[']
    for i, e in enumerate(entries):
        lines.append(json.dumps(e) + (',' if i + 1 < len(entries) else ''))
    lines.append(']')
    c.add(''.join('    %s\n' % c_str(line) for line in lines) + '    ;\n')
    h.write(outdir)
    c.write(outdir)

