"""C types: enums with lookup tables, structs, unions, alternates, lists,
free functions.

Conditional parts are wrapped in #if/#endif (see ifcond.py).  Enum
constants are numbered by the C compiler, not here, so that a value
compiled out leaves no hole in the lookup table.  An alternate is a struct
holding the QType of the branch present and a union of the branches."""

from .common import CFile, guard_for, c_str, spaced, config_include
from .schema import ObjectType, AlternateType, c_name


def _list_struct(elem_ctype, list_name):
    return ('struct %s {\n    struct %s *next;\n    %svalue;\n};\n\n'
            % (list_name, list_name, spaced(elem_ctype)))


def _enum_decl(enum):
    out = 'typedef enum %s {\n' % enum.c_name()
    for m in enum.members:
        out += m.ifcond.wrap('    %s,\n' % enum.value_c_name(m.name))
    out += '    %s,\n} %s;\n\n' % (enum.max_c_name(), enum.c_name())
    return out + _enum_lookup_decl(enum.c_name())


def _enum_lookup_decl(name):
    out = 'extern const QEnumLookup %s_lookup;\n' % name
    out += ('#define %s_str(val) qapi_enum_lookup(&%s_lookup, (val))\n'
            % (name, name))
    out += ('#define %s_parse(str, def, errp) \\\n'
            '    qapi_enum_parse(&%s_lookup, (str), (def), (errp))\n\n'
            % (name, name))
    return out


def _enum_defn(enum):
    name = enum.c_name()
    out = 'const QEnumLookup %s_lookup = {\n' % name
    out += '    .array = (const char *const[]) {\n'
    for m in enum.members:
        out += m.ifcond.wrap('        [%s] = %s,\n'
                             % (enum.value_c_name(m.name), c_str(m.name)))
    out += '    },\n'
    special = [(m, [f.name for f in m.features]) for m in enum.members]
    if any('deprecated' in f or 'unstable' in f for _, f in special):
        out += ('    .special_features = (const unsigned char[%s]) {\n'
                % enum.max_c_name())
        for m, f in special:
            bits = []
            if 'deprecated' in f:
                bits.append('QAPI_DEPRECATED')
            if 'unstable' in f:
                bits.append('QAPI_UNSTABLE')
            if bits:
                out += m.ifcond.wrap('        [%s] = %s,\n'
                                     % (enum.value_c_name(m.name),
                                        ' | '.join(bits)))
        out += '    },\n'
    out += '    .size = %s,\n};\n\n' % enum.max_c_name()
    return out


def _members_c(members):
    out = ''
    for m in members:
        text = ''
        if m.needs_has_flag():
            text += '    bool has_%s;\n' % m.c_name()
        text += '    %s%s;\n' % (spaced(m.type.c_type()), m.c_name())
        out += m.ifcond.wrap(text)
    return out


def _struct_defn(obj):
    out = 'struct %s {\n' % obj.c_name()
    if obj.base is not None and obj.base.implicit:
        out += _members_c(obj.base.members)
    elif obj.base is not None:
        out += '    /* Members inherited from %s: */\n' % obj.base.name
        out += _members_c(obj.base.members)
        out += '    /* Own members: */\n'
    out += _members_c(obj.local_members)
    cases = [c for c in obj.variants.all_cases() if c.type] \
        if obj.variants else []
    if cases:
        out += '    union { /* union tag is @%s */\n' \
            % obj.variants.tag_member.c_name()
        for c in cases:
            out += c.value_ifcond.wrap(c.branch_ifcond.wrap(
                '        %s %s;\n' % (c.type.c_name(), c_name(c.name))))
        out += '    } u;\n'
    if not obj.members and not cases:
        out += '    char qapi_dummy_for_empty_struct;\n'
    out += '};\n\n'
    return out


def _alternate_defn(alt):
    out = 'struct %s {\n    QType type;\n    union { /* by type */\n' \
        % alt.c_name()
    for b in alt.branches:
        out += b.ifcond.wrap('        %s%s;\n' % (spaced(b.type.c_type()),
                                                 c_name(b.case)))
    return out + '    } u;\n};\n\n'


def _free_defn(type_name):
    return ('void qapi_free_%s(%s *obj)\n{\n    Visitor *v;\n\n'
            '    if (!obj) {\n        return;\n    }\n'
            '    v = qapi_dealloc_visitor_new();\n'
            '    visit_type_%s(v, NULL, &obj, NULL);\n'
            '    visit_free(v);\n}\n\n' % (type_name, type_name, type_name))


def _free_decl(name):
    return ('void qapi_free_%s(%s *obj);\n'
            'G_DEFINE_AUTOPTR_CLEANUP_FUNC(%s, qapi_free_%s)\n\n'
            % (name, name, name, name))


def generate(schema, outdir, prefix):
    hname = prefix + 'qapi-types.h'
    h = CFile(hname, 'C types for the QAPI schema', guard_for(hname))
    c = CFile(prefix + 'qapi-types.c', 'C types for the QAPI schema: enum '
              'lookup tables and free functions')
    h.add('%s#include <stdbool.h>\n#include <stdint.h>\n'
          '#include <json-glib/json-glib.h>\n#include "qapi/util.h"\n'
          '#include "qapi/visitor.h"\n\n' % config_include(schema))
    c.add('#include "qapi/dealloc-visitor.h"\n#include "%s"\n'
          '#include "%s"\n\n' % (hname, prefix + 'qapi-visit.h'))

    # Built-in list types first: everything else may use them.  QType's
    # own enum is the runtime's (qapi/util.h); its list type is ours.
    h.add('/* Lists of built-in types */\n')
    for b in schema.builtins + [schema.qtype]:
        ln = b.c_name() + 'List'
        h.add('typedef struct %s %s;\n' % (ln, ln))
        h.add(_list_struct(b.c_type(), ln))
        h.add('void qapi_free_%s(%s *obj);\n\n' % (ln, ln))
        c.add(_free_defn(ln))

    named = [t for t in schema.types() if not t.is_implicit()]
    for e in schema.enums():
        h.add(e.ifcond.wrap(_enum_decl(e)))
        c.add(e.ifcond.wrap(_enum_defn(e)))

    h.add('/* Forward declarations */\n')
    for t in schema.objects() + schema.alternates():
        h.add(t.ifcond.wrap('typedef struct %s %s;\n'
                            % (t.c_name(), t.c_name())))
    for t in named:
        ln = t.c_name() + 'List'
        h.add(t.ifcond.wrap('typedef struct %s %s;\n' % (ln, ln)))
    h.add('\n')

    # Struct definitions: a union embeds its branch structs by value, so
    # those must be complete first.  Pointers need only the typedef.
    done = set()

    def emit(obj):
        if obj.name in done:
            return
        done.add(obj.name)
        if obj.variants:
            for case in obj.variants.all_cases():
                if case.type is not None:
                    emit(case.type)
        text = _struct_defn(obj)
        if obj.base is not None and not obj.base.implicit:
            text += ('static inline %s *qapi_%s_base(const %s *obj)\n{\n'
                     '    return (%s *)obj;\n}\n\n'
                     % (obj.base.c_name(), obj.c_name(), obj.c_name(),
                        obj.base.c_name()))
        h.add(obj.ifcond.wrap(text))

    for t in schema.objects():
        emit(t)
    for t in schema.alternates():
        h.add(t.ifcond.wrap(_alternate_defn(t)))

    for t in named:
        ln = t.c_name() + 'List'
        text = _list_struct(t.c_type(), ln) + _free_decl(ln)
        code = _free_defn(ln)
        if isinstance(t, (ObjectType, AlternateType)):
            text += _free_decl(t.c_name())
            code += _free_defn(t.c_name())
        h.add(t.ifcond.wrap(text))
        c.add(t.ifcond.wrap(code))
    h.write(outdir)
    c.write(outdir)
