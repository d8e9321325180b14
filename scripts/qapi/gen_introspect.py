"""Introspection data for query-qmp-schema, in the SchemaInfo format of
qapi/introspect.json (the same shape QEMU's clients parse).

Only what commands and events reach is described.  Names are not masked;
implicit types keep their q_obj_... names, arrays are written '[ELEM]',
every integer type is 'int', and 'q_empty' stands for "no arguments".
Alternates are {"meta-type": "alternate", "members": [{"type": T}...]}.

The data is a C string holding JSON.  So that conditional entries, members,
values, branches and features can be compiled out with #if, every element
of every JSON array and object is written with a trailing comma, inside
its own condition; the runtime drops a comma that precedes ']' or '}'
before parsing (qapi_introspection_parse()).  Names never contain those
characters, so no string in the data is affected."""

import json

from .common import CFile, guard_for, c_str
from .schema import (BuiltinType, EnumType, ArrayType, ObjectType,
                     AlternateType, Command, Event, c_name, IfCond)


class Cond:
    """A JSON value that exists only when ifcond holds."""

    def __init__(self, value, ifcond):
        self.value = value
        self.ifcond = ifcond


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
                self.used.append(('array', key, typ))
            return key
        if typ.name not in self.used_names:
            self.used_names.add(typ.name)
            self.used.append(('type', typ.name, typ))
        return typ.name


def _features(obj, features):
    if features:
        obj['features'] = [Cond(f.name, f.ifcond) for f in features]
    return obj


def _member(w, m):
    obj = {'name': m.name, 'type': w.name(m.type)}
    if m.optional:
        obj['default'] = None
    return Cond(_features(obj, m.features), m.ifcond)


def _type_info(w, typ):
    if isinstance(typ, BuiltinType):
        return {'name': typ.name, 'meta-type': 'builtin',
                'json-type': typ.json_type()}
    if isinstance(typ, EnumType):
        members = [Cond(_features({'name': m.name}, m.features), m.ifcond)
                   for m in typ.members]
        return _features({'name': typ.name, 'meta-type': 'enum',
                          'members': members,
                          'values': [Cond(m.name, m.ifcond)
                                     for m in typ.members]}, typ.features)
    if isinstance(typ, AlternateType):
        return _features({'name': typ.name, 'meta-type': 'alternate',
                          'members': [Cond({'type': w.name(b.type)},
                                           b.ifcond)
                                      for b in typ.branches]}, typ.features)
    assert isinstance(typ, ObjectType)
    obj = {'name': typ.name, 'meta-type': 'object',
           'members': [_member(w, m) for m in typ.members]}
    if typ.variants:
        # Omitted branches are listed too, with the empty type; a branch
        # compiled out leaves its case without members likewise.
        obj['tag'] = typ.variants.tag_member.name
        obj['variants'] = []
        for c in typ.variants.all_cases():
            case = {'case': c.name, 'type': w.name(c.type)}
            forms = [Cond(case, c.branch_ifcond)]
            if c.branch_ifcond.is_present():
                forms.append(Cond({'case': c.name, 'type': w.name(None)},
                                  IfCond(('not', c.branch_ifcond.tree))))
            obj['variants'] += [Cond(f, c.value_ifcond) for f in forms]
    return _features(obj, typ.features)


def schema_info(schema):
    """The SchemaInfo entries, each a Cond."""
    w = _Walker(schema)
    entries = []
    for ent in schema.order:
        if isinstance(ent, Command):
            obj = {'name': ent.name, 'meta-type': 'command',
                   'arg-type': w.name(ent.arg_type),
                   'ret-type': w.name(ent.ret_type)}
            if ent.allow_oob:
                obj['allow-oob'] = True
            entries.append(Cond(_features(obj, ent.features), ent.ifcond))
        elif isinstance(ent, Event):
            obj = {'name': ent.name, 'meta-type': 'event',
                   'arg-type': w.name(ent.arg_type)}
            entries.append(Cond(_features(obj, ent.features), ent.ifcond))
    i = 0
    while i < len(w.used):
        kind, name, typ = w.used[i]
        i += 1
        if kind == 'array':
            info = {'name': name, 'meta-type': 'array',
                    'element-type': w.name(typ.element_type)}
        else:
            info = _type_info(w, typ)
        entries.append(Cond(info, typ.ifcond))
    if w.need_empty:
        entries.append(Cond({'name': 'q_empty', 'meta-type': 'object',
                             'members': []}, IfCond()))
    return entries


def _fragments(value):
    """value as a list of JSON text pieces and ('#if'|'#endif', IfCond)."""
    if isinstance(value, Cond):
        inner = _fragments(value.value)
        if not value.ifcond.is_present():
            return inner
        return [('#if', value.ifcond)] + inner + [('#endif', value.ifcond)]
    if isinstance(value, dict):
        out = ['{']
        for key, val in value.items():
            out += [json.dumps(key) + ': '] + _fragments(val) + [', ']
        return out + ['}']
    if isinstance(value, list):
        out = ['[']
        for elem in value:
            out += _element(elem)
        return out + [']']
    return [json.dumps(value)]


def _element(elem):
    """An array element and its comma, both under its condition."""
    if isinstance(elem, Cond) and elem.ifcond.is_present():
        return ([('#if', elem.ifcond)] + _element(elem.value) +
                [('#endif', elem.ifcond)])
    return _fragments(elem) + [', ']


def _c_text(frags):
    """C source: string literals, one line per entry, with #if lines."""
    out = ''
    line = ''
    for f in frags:
        if isinstance(f, tuple):
            if line:
                out += '    %s\n' % c_str(line)
                line = ''
            kind, cond = f
            out += '%s %s\n' % (kind, cond.c_expr()) if kind == '#if' \
                else '#endif /* %s */\n' % cond.c_expr()
            continue
        line += f
        if len(line) > 70:
            out += '    %s\n' % c_str(line)
            line = ''
    if line:
        out += '    %s\n' % c_str(line)
    return out


def generate(schema, outdir, prefix):
    cprefix = c_name(prefix, False)
    hname = prefix + 'qapi-introspect.h'
    h = CFile(hname, 'Introspection data for query-qmp-schema',
              guard_for(hname))
    c = CFile(prefix + 'qapi-introspect.c',
              'Introspection data for query-qmp-schema')
    h.add('/*\n * A JSON array of SchemaInfo (see qapi/introspect.json), with '
          'a comma after\n * every element: parse it with '
          'qapi_introspection_parse().\n */\n'
          'extern const char %sqapi_schema_json[];\n' % cprefix)
    inc = '#include "config-host.h"\n' if schema.has_conditions() else ''
    c.add('%s#include "%s"\n\nconst char %sqapi_schema_json[] =\n'
          % (inc, hname, cprefix))
    frags = []
    for e in schema_info(schema):
        frags += _element(e)
    c.add(_c_text(['['] + frags + [']']) + '    ;\n')
    h.write(outdir)
    c.write(outdir)
