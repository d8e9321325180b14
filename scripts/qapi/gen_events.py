"""Event emitters: qapi_event_send_NAME(args) builds the event message and
hands it to the emitter installed by the monitor.  Conditional events and
event members exist only where their conditions hold."""

from .common import CFile, guard_for, c_str, param_list, spaced, config_include
from .schema import c_name, camel_to_upper


def _send_name(ev):
    return 'qapi_event_send_' + c_name(ev.name.lower())


def _params(ev):
    if ev.arg_type is None:
        return 'void'
    if ev.boxed:
        return '%s *arg' % ev.arg_type.c_name()
    return param_list(ev.arg_type.members, with_errp=False)


def generate(schema, outdir, prefix):
    cprefix = c_name(prefix, False)
    enum_name = cprefix + 'QAPIEvent'
    upper = camel_to_upper(enum_name)
    hname = prefix + 'qapi-events.h'
    h = CFile(hname, 'Event emitters for the QAPI schema', guard_for(hname))
    c = CFile(prefix + 'qapi-events.c', 'Event emitters for the QAPI schema')
    h.add(config_include(schema))
    h.add('#include <json-glib/json-glib.h>\n#include "qapi/util.h"\n'
          '#include "%s"\n\n' % (prefix + 'qapi-types.h'))
    c.add('#include "qapi/error.h"\n#include "qapi/json-visitor.h"\n'
          '#include "qapi/qmp-event.h"\n#include "%s"\n'
          '#include "%s"\n\n' % (prefix + 'qapi-visit.h', hname))

    events = schema.events()
    h.add('typedef enum %s {\n' % enum_name)
    for ev in events:
        h.add(ev.ifcond.wrap('    %s_%s,\n'
                             % (upper, c_name(ev.name, False).upper())))
    h.add('    %s__MAX,\n} %s;\n\n' % (upper, enum_name))
    h.add('extern const QEnumLookup %s_lookup;\n' % enum_name)
    h.add('#define %s_str(val) qapi_enum_lookup(&%s_lookup, (val))\n\n'
          % (enum_name, enum_name))
    c.add('const QEnumLookup %s_lookup = {\n    .array = (const char *const[])'
          ' {\n' % enum_name)
    for ev in events:
        c.add(ev.ifcond.wrap('        [%s_%s] = %s,\n'
                             % (upper, c_name(ev.name, False).upper(),
                                c_str(ev.name))))
    c.add('    },\n    .size = %s__MAX,\n};\n\n' % upper)

    h.add('''/*
 * The monitor's hook: receives each event message (it is unreffed after
 * the call; take a reference to keep it).
 */
typedef void %(p)sQAPIEventEmitter(%(e)s event, JsonObject *msg, void *opaque);
void %(p)sqapi_event_set_emitter(%(p)sQAPIEventEmitter *fn, void *opaque);

''' % {'p': cprefix, 'e': enum_name})
    c.add('''static %(p)sQAPIEventEmitter *event_emitter;
static void *event_emitter_opaque;

void %(p)sqapi_event_set_emitter(%(p)sQAPIEventEmitter *fn, void *opaque)
{
    event_emitter = fn;
    event_emitter_opaque = opaque;
}

static G_GNUC_UNUSED void emit(%(e)s event, JsonObject *msg)
{
    if (event_emitter) {
        event_emitter(event, msg, event_emitter_opaque);
    }
    json_object_unref(msg);
}

''' % {'p': cprefix, 'e': enum_name})

    for ev in events:
        ename = '%s_%s' % (upper, c_name(ev.name, False).upper())
        h.add(ev.ifcond.wrap('void %s(%s);\n' % (_send_name(ev),
                                                  _params(ev))))
        body = 'void %s(%s)\n{\n' % (_send_name(ev), _params(ev))
        body += '    JsonObject *msg = qmp_event_build(%s);\n' % c_str(ev.name)
        at = ev.arg_type
        if at is not None:
            body += '    JsonNode *data = NULL;\n    Visitor *v;\n'
            if ev.boxed:
                ptr = 'arg'
            else:
                inits = ''
                for m in at.members:
                    text = ''
                    if m.needs_has_flag():
                        text += '        .has_%s = has_%s,\n' % (m.c_name(),
                                                                 m.c_name())
                    val = m.c_name()
                    if m.type.c_param_type() != m.type.c_type():
                        val = '(%s)%s' % (spaced(m.type.c_type()).strip(),
                                          val)
                    text += '        .%s = %s,\n' % (m.c_name(), val)
                    inits += m.ifcond.wrap(text)
                body += '    %s param = {\n%s    };\n' % (at.c_name(), inits)
                ptr = '&param'
            body += '''
    v = json_output_visitor_new(&data);
    visit_start_struct(v, %(n)s, NULL, 0, &error_abort);
    visit_type_%(t)s_members(v, %(p)s, &error_abort);
    visit_check_struct(v, &error_abort);
    visit_end_struct(v, NULL);
    visit_complete(v, &data);
    visit_free(v);
    json_object_set_member(msg, "data", data);
''' % {'n': c_str(ev.name), 't': at.c_name(), 'p': ptr}
        body += '    emit(%s, msg);\n}\n\n' % ename
        c.add(ev.ifcond.wrap(body))
    h.write(outdir)
    c.write(outdir)
