"""Command marshalling: for each command a qmp_marshal_NAME() that turns the
QMP "arguments" object into C arguments, calls the hand-written qmp_NAME(),
and turns its result back into JSON; plus qmp_init_marshal() to register
them all.  Commands with 'gen': false are only declared.  A conditional
command exists (declaration, marshaller, registration) only when its
condition holds; conditional arguments likewise."""

from .common import (CFile, guard_for, c_str, special_features, param_list,
                     arg_list, join_params, spaced, config_include)
from .schema import c_name, IfCond


def _impl_name(cmd):
    return 'qmp_' + c_name(cmd.name)


def _flat_members(cmd):
    if cmd.arg_type is None or cmd.boxed:
        return []
    return cmd.arg_type.members


def _impl_decl(cmd):
    ret = spaced(cmd.ret_type.c_type()) if cmd.ret_type else 'void '
    if cmd.boxed:
        params = '%s *arg, Error **errp' % cmd.arg_type.c_name()
    else:
        params = param_list(_flat_members(cmd))
    return '%s%s(%s)' % (ret, _impl_name(cmd), params)


def _output_fn(ret_type):
    n = ret_type.c_name()
    return '''static G_GNUC_UNUSED void qmp_marshal_output_%(n)s(%(ct)sret_in, JsonNode **ret_out)
{
    Visitor *v;

    v = json_output_visitor_new(ret_out);
    if (visit_type_%(n)s(v, "unused", &ret_in, &error_abort)) {
        visit_complete(v, ret_out);
    }
    visit_free(v);
    v = qapi_dealloc_visitor_new();
    visit_type_%(n)s(v, "unused", &ret_in, NULL);
    visit_free(v);
}

''' % {'n': n, 'ct': spaced(ret_type.c_type())}


def _marshal_fn(cmd):
    name = c_name(cmd.name)
    out = ('void qmp_marshal_%s(JsonObject *args, JsonNode **ret, '
           'Error **errp)\n{\n' % name)
    out += '    Error *err = NULL;\n    bool ok = false;\n    Visitor *v;\n'
    at = cmd.arg_type
    if at is not None:
        out += '    %s arg = {0};\n' % at.c_name()
    if cmd.ret_type is not None:
        out += '    %sretval;\n' % spaced(cmd.ret_type.c_type())
    out += '\n    v = json_input_visitor_new_object(args);\n'
    out += '    if (!visit_start_struct(v, NULL, NULL, 0, errp)) {\n' \
           '        goto out;\n    }\n'
    if at is not None:
        out += ('    if (visit_type_%s_members(v, &arg, errp)) {\n'
                '        ok = visit_check_struct(v, errp);\n    }\n'
                % at.c_name())
    else:
        out += '    ok = visit_check_struct(v, errp);\n'
    out += '    visit_end_struct(v, NULL);\n    if (!ok) {\n' \
           '        goto out;\n    }\n\n'
    if cmd.boxed:
        args = [('&arg', IfCond())]
    else:
        args = arg_list(_flat_members(cmd), 'arg.')
    call = '%s(%s)' % (_impl_name(cmd),
                       join_params(args + [('&err', IfCond())]))
    if cmd.ret_type is not None:
        out += '    retval = %s;\n' % call
    else:
        out += '    %s;\n' % call
    out += '    if (err) {\n        error_propagate(errp, err);\n' \
           '        goto out;\n    }\n'
    if cmd.ret_type is not None:
        out += '    qmp_marshal_output_%s(retval, ret);\n' \
            % cmd.ret_type.c_name()
    else:
        out += '    (void)ret;\n'
    out += '\nout:\n    visit_free(v);\n'
    if at is not None:
        out += ('    v = qapi_dealloc_visitor_new();\n'
                '    visit_start_struct(v, NULL, NULL, 0, NULL);\n'
                '    visit_type_%s_members(v, &arg, NULL);\n'
                '    visit_end_struct(v, NULL);\n'
                '    visit_free(v);\n' % at.c_name())
    out += '}\n\n'
    return out


def generate(schema, outdir, prefix):
    hname = prefix + 'qapi-commands.h'
    h = CFile(hname, 'Command implementations (hand-written, declared here) '
              'and their marshallers', guard_for(hname))
    c = CFile(prefix + 'qapi-commands.c', 'Command marshallers and the '
              'registration of all generated commands')
    h.add('%s#include "qapi/qmp-dispatch.h"\n#include "%s"\n\n'
          % (config_include(schema), prefix + 'qapi-types.h'))
    c.add('#include "qapi/error.h"\n#include "qapi/json-visitor.h"\n'
          '#include "qapi/dealloc-visitor.h"\n#include "%s"\n'
          '#include "%s"\n\n' % (prefix + 'qapi-visit.h', hname))

    h.add('/* Implemented by hand, called by the marshallers: */\n')
    for cmd in schema.commands():
        if cmd.gen:
            h.add(cmd.ifcond.wrap('%s;\n' % _impl_decl(cmd)))
    h.add('\n/* Commands with \'gen\': false: implemented by hand with the '
          'marshaller\n * signature and registered by their owner: */\n')
    for cmd in schema.commands():
        if not cmd.gen:
            h.add(cmd.ifcond.wrap('void %s(JsonObject *args, JsonNode **ret, '
                                  'Error **errp);\n' % _impl_name(cmd)))
    h.add('\n/* Generated marshallers: */\n')
    done_output = set()
    for cmd in schema.commands():
        if not cmd.gen:
            continue
        h.add(cmd.ifcond.wrap('void qmp_marshal_%s(JsonObject *args, '
                              'JsonNode **ret, Error **errp);\n'
                              % c_name(cmd.name)))
        if cmd.ret_type is not None and \
                cmd.ret_type.name not in done_output:
            # Shared by every command returning the type, so it follows
            # the type's condition, not the command's.
            done_output.add(cmd.ret_type.name)
            c.add(cmd.ret_type.ifcond.wrap(_output_fn(cmd.ret_type)))
        c.add(cmd.ifcond.wrap(_marshal_fn(cmd)))
    init = prefix.replace('-', '_') + 'qmp_init_marshal'
    h.add('\n/* Registers every generated command (not the \'gen\': false '
          'ones). */\nvoid %s(QmpCommandList *cmds);\n' % init)
    c.add('void %s(QmpCommandList *cmds)\n{\n' % init)
    for cmd in schema.commands():
        if not cmd.gen:
            continue
        opts = []
        if not cmd.success_response:
            opts.append('QCO_NO_SUCCESS_RESP')
        if cmd.allow_oob:
            opts.append('QCO_ALLOW_OOB')
        if cmd.allow_preconfig:
            opts.append('QCO_ALLOW_PRECONFIG')
        if cmd.coroutine:
            opts.append('QCO_COROUTINE')
        c.add(cmd.ifcond.wrap(
            '    qmp_register_command(cmds, %s, qmp_marshal_%s,\n'
            '                         %s, %s);\n'
            % (c_str(cmd.name), c_name(cmd.name),
               ' | '.join(opts) if opts else 'QCO_NO_OPTIONS',
               special_features(cmd.features))))
    c.add('}\n')
    h.write(outdir)
    c.write(outdir)

