"""Visit functions: one description of each type drives input, output and
deallocation (see include/qapi/visitor.h).

An alternate's visit asks the visitor which JSON type the value has
(visit_start_alternate) and visits the branch of that type; conditional
members, branches and enum values are compiled out with their code."""

from .common import CFile, guard_for, visit_fn, c_str, config_include
from .schema import ObjectType, EnumType, AlternateType, c_name


def _visit_members_body(members, obj_expr='obj'):
    out = ''
    for m in members:
        call = '%s(v, %s, &%s->%s, errp)' % (visit_fn(m.type), c_str(m.name),
                                              obj_expr, m.c_name())
        if not m.optional:
            text = '    if (!%s) {\n        return false;\n    }\n' % call
        elif m.needs_has_flag():
            text = ('    if (visit_optional(v, %s, &%s->has_%s)) {\n'
                    '        if (!%s) {\n            return false;\n'
                    '        }\n    }\n'
                    % (c_str(m.name), obj_expr, m.c_name(), call))
        else:
            text = ('    {\n        bool has_%s = !!%s->%s;\n\n'
                    '        if (visit_optional(v, %s, &has_%s)) {\n'
                    '            if (!%s) {\n'
                    '                return false;\n            }\n'
                    '        }\n    }\n'
                    % (m.c_name(), obj_expr, m.c_name(), c_str(m.name),
                       m.c_name(), call))
        out += m.ifcond.wrap(text)
    return out


def _members_fn(obj):
    name = obj.c_name()
    out = ('bool visit_type_%s_members(Visitor *v, %s *obj, Error **errp)\n'
           '{\n' % (name, name))
    if obj.base is not None:
        out += ('    if (!visit_type_%s_members(v, (%s *)obj, errp)) {\n'
                '        return false;\n    }\n'
                % (obj.base.c_name(), obj.base.c_name()))
    out += _visit_members_body(obj.local_members)
    if obj.variants:
        tag = obj.variants.tag_member
        out += '    switch (obj->%s) {\n' % tag.c_name()
        for case in obj.variants.all_cases():
            text = '    case %s:\n' % tag.type.value_c_name(case.name)
            if case.type is not None:
                text += case.branch_ifcond.wrap(
                    '        return visit_type_%s_members(v, &obj->u.%s, '
                    'errp);\n' % (case.type.c_name(), c_name(case.name)))
            text += '        break;\n'
            out += case.value_ifcond.wrap(text)
        out += '    default:\n        abort();\n    }\n'
    out += '    return true;\n}\n\n'
    return out


def _object_fn(obj):
    name = obj.c_name()
    return '''bool visit_type_%(n)s(Visitor *v, const char *name, %(n)s **obj,
        Error **errp)
{
    bool ok = false;

    if (!visit_start_struct(v, name, (void **)obj, sizeof(%(n)s), errp)) {
        return false;
    }
    if (!*obj) {
        /* Only a dealloc visitor meets a struct that was never allocated. */
        g_assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    if (!visit_type_%(n)s_members(v, *obj, errp)) {
        goto out_obj;
    }
    ok = visit_check_struct(v, errp);
out_obj:
    visit_end_struct(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_%(n)s(*obj);
        *obj = NULL;
    }
    return ok;
}

''' % {'n': name}


def _alternate_fn(alt):
    name = alt.c_name()
    cases = ''
    for b in alt.branches:
        cases += b.ifcond.wrap(
            '    case %s:\n        ok = %s(v, name, &(*obj)->u.%s, errp);\n'
            '        break;\n' % (b.type.qtype(), visit_fn(b.type),
                                  c_name(b.case)))
    accepted = ' | '.join(
        '(1u << %s)' % q for q in sorted({b.type.qtype()
                                          for b in alt.branches}))
    # The mask names conditional branches too: a value of a compiled-out
    # branch's type reaches the 'default' error, as it should.
    return '''bool visit_type_%(n)s(Visitor *v, const char *name, %(n)s **obj,
        Error **errp)
{
    bool ok = false;

    if (!visit_start_alternate(v, name, (GenericAlternate **)obj,
                               sizeof(%(n)s), %(mask)s, errp)) {
        return false;
    }
    if (!*obj) {
        /* Only a dealloc visitor meets an alternate never allocated. */
        g_assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    switch ((*obj)->type) {
%(cases)s    case QTYPE_NONE:
        abort();
    default:
        g_assert(visit_is_input(v));
        error_setg(errp, "Invalid parameter type for '%%s', expected: %%s",
                   name ? name : "null", %(sn)s);
        /* No branch was filled in: nothing for qapi_free_%(n)s(). */
        g_free(*obj);
        *obj = NULL;
    }
out_obj:
    visit_end_alternate(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_%(n)s(*obj);
        *obj = NULL;
    }
    return ok;
}

''' % {'n': name, 'cases': cases, 'mask': accepted, 'sn': c_str(alt.name)}


def _list_fn(list_name, elem_visit):
    return '''bool visit_type_%(n)s(Visitor *v, const char *name, %(n)s **obj,
        Error **errp)
{
    bool ok = false;
    %(n)s *tail;
    size_t size = sizeof(**obj);

    if (!visit_start_list(v, name, (GenericList **)obj, size, errp)) {
        return false;
    }
    for (tail = *obj; tail;
         tail = (%(n)s *)visit_next_list(v, (GenericList *)tail, size)) {
        if (!%(ev)s(v, NULL, &tail->value, errp)) {
            goto out_obj;
        }
    }
    ok = visit_check_list(v, errp);
out_obj:
    visit_end_list(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_%(n)s(*obj);
        *obj = NULL;
    }
    return ok;
}

''' % {'n': list_name, 'ev': elem_visit}


def _enum_fn(enum):
    return '''bool visit_type_%(n)s(Visitor *v, const char *name, %(n)s *obj,
        Error **errp)
{
    int value = *obj;
    bool ok = visit_type_enum(v, name, &value, &%(n)s_lookup, errp);

    *obj = value;
    return ok;
}

''' % {'n': enum.c_name()}


def _decl(name, ctype):
    return ('bool visit_type_%s(Visitor *v, const char *name, %s,\n'
            '        Error **errp);\n' % (name, ctype))


def generate(schema, outdir, prefix):
    hname = prefix + 'qapi-visit.h'
    h = CFile(hname, 'Visit functions for the QAPI schema', guard_for(hname))
    c = CFile(prefix + 'qapi-visit.c', 'Visit functions for the QAPI schema')
    h.add('%s#include "qapi/visitor.h"\n#include "%s"\n\n'
          % (config_include(schema), prefix + 'qapi-types.h'))
    c.add('#include <stdlib.h>\n#include "%s"\n\n' % hname)

    h.add(_decl('QType', 'QType *obj'))
    c.add(_enum_fn(schema.qtype))
    for b in schema.builtins + [schema.qtype]:
        ln = b.c_name() + 'List'
        h.add(_decl(ln, '%s **obj' % ln))
        c.add(_list_fn(ln, visit_fn(b)))
    h.add('\n')

    for t in schema.types():
        n = t.c_name()
        hdr = code = ''
        if isinstance(t, EnumType):
            hdr += _decl(n, '%s *obj' % n)
            code += _enum_fn(t)
        elif isinstance(t, AlternateType):
            hdr += _decl(n, '%s **obj' % n)
            code += _alternate_fn(t)
        elif isinstance(t, ObjectType):
            hdr += ('bool visit_type_%s_members(Visitor *v, %s *obj, '
                    'Error **errp);\n' % (n, n))
            code += _members_fn(t)
            if not t.implicit:
                hdr += _decl(n, '%s **obj' % n)
                code += _object_fn(t)
        if not t.is_implicit():
            ln = n + 'List'
            hdr += _decl(ln, '%s **obj' % ln)
            code += _list_fn(ln, 'visit_type_' + n)
        h.add(t.ifcond.wrap(hdr) + '\n')
        c.add(t.ifcond.wrap(code))
    h.write(outdir)
    c.write(outdir)
