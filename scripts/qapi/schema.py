"""The checked schema: entities built from parsed expressions.

Checking happens in three passes so that forward references work:
  1. shape: every expression has the keys its kind allows, of the right
     JSON type, with well-formed names;
  2. definition: one entity per name, implicit types created;
  3. resolution: type references resolved, unions and commands checked,
     documentation matched against what it documents.
Each error names the file and line of the offending definition or member.
"""

import re

from .error import QAPIError
from .parser import parse_schema, SDict


C_KEYWORDS = frozenset('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local bool true false errno unix linux
'''.split())


def c_name(name, protect=True):
    """The C identifier for a schema name ('poll-us' -> 'poll_us')."""
    out = re.sub(r'[^A-Za-z0-9_]', '_', name)
    if protect and (out in C_KEYWORDS or out[:1].isdigit()):
        return 'q_' + out
    return out


def camel_to_upper(name):
    """'NetClientDriver' -> 'NET_CLIENT_DRIVER', 'QAPIEvent' -> 'QAPI_EVENT'."""
    out = ''
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0:
            prev = name[i - 1]
            nxt = name[i + 1] if i + 1 < len(name) else ''
            if prev.islower() or prev.isdigit() or \
                    (prev.isupper() and nxt.islower()):
                out += '_'
        out += ch
    return c_name(out, False).upper()


# --- entities --------------------------------------------------------------

class Entity:
    meta = None

    def __init__(self, name, info, doc=None, features=()):
        self.name = name
        self.info = info
        self.doc = doc
        self.features = list(features)

    def describe(self):
        return "%s '%s'" % (self.meta, self.name)

    def feature_names(self):
        return [f.name for f in self.features]


class Feature:
    def __init__(self, name, info):
        self.name = name
        self.info = info


class Type(Entity):
    is_pointer = False

    def c_name(self):
        return c_name(self.name)

    def c_type(self):
        raise NotImplementedError

    def c_param_type(self):
        return self.c_type()

    def json_type(self):
        raise NotImplementedError

    def is_implicit(self):
        return False


class BuiltinType(Type):
    meta = 'built-in type'

    def __init__(self, name, ctype, json_type):
        super().__init__(name, None)
        self._ctype = ctype
        self._json_type = json_type
        self.is_pointer = ctype.endswith('*')

    def c_name(self):
        return self.name

    def c_type(self):
        return self._ctype

    def c_param_type(self):
        if self.name == 'str':
            return 'const char *'
        return self._ctype

    def json_type(self):
        return self._json_type


BUILTINS = [
    ('str', 'char *', 'string'),
    ('number', 'double', 'number'),
    ('int', 'int64_t', 'int'),
    ('int8', 'int8_t', 'int'),
    ('int16', 'int16_t', 'int'),
    ('int32', 'int32_t', 'int'),
    ('int64', 'int64_t', 'int'),
    ('uint8', 'uint8_t', 'int'),
    ('uint16', 'uint16_t', 'int'),
    ('uint32', 'uint32_t', 'int'),
    ('uint64', 'uint64_t', 'int'),
    ('size', 'uint64_t', 'int'),
    ('bool', 'bool', 'boolean'),
    ('any', 'JsonNode *', 'value'),
]


class EnumMember:
    def __init__(self, name, info, features):
        self.name = name
        self.info = info
        self.features = features


class EnumType(Type):
    meta = 'enum'

    def __init__(self, name, info, doc, features, members, prefix):
        super().__init__(name, info, doc, features)
        self.members = members
        self.prefix = prefix

    def c_type(self):
        return self.c_name()

    def json_type(self):
        return 'string'

    def value_c_name(self, value):
        prefix = self.prefix if self.prefix is not None \
            else camel_to_upper(self.name)
        return prefix + '_' + c_name(value, False).upper()

    def max_c_name(self):
        prefix = self.prefix if self.prefix is not None \
            else camel_to_upper(self.name)
        return prefix + '__MAX'


class ArrayType(Type):
    meta = 'array'
    is_pointer = True

    def __init__(self, element_type):
        super().__init__(element_type.name + 'List', element_type.info)
        self.element_type = element_type

    def c_type(self):
        return self.c_name() + ' *'

    def json_type(self):
        return 'array'

    def intro_name(self):
        return '[%s]' % self.element_type.name


class Member:
    def __init__(self, name, info, type_ref, optional, features, owner):
        self.name = name
        self.info = info
        self.type_ref = type_ref
        self.type = None
        self.optional = optional
        self.features = features
        self.owner = owner        # the definition name, for messages

    def c_name(self):
        return c_name(self.name)

    def needs_has_flag(self):
        return self.optional and not self.type.is_pointer


class Variant:
    def __init__(self, case, info, type_ref):
        self.case = case
        self.info = info
        self.type_ref = type_ref
        self.type = None


class Variants:
    def __init__(self, tag_name, info, variants):
        self.tag_name = tag_name
        self.info = info
        self.tag_member = None
        self.variants = variants      # explicitly written branches

    def all_cases(self):
        """Every enum value with its branch type, or None if omitted."""
        by_case = {v.case: v for v in self.variants}
        return [(m.name, by_case[m.name].type if m.name in by_case else None)
                for m in self.tag_member.type.members]


class ObjectType(Type):
    meta = 'struct'
    is_pointer = True

    def __init__(self, name, info, doc, features, base_ref, local_members,
                 variants, implicit=False, meta=None):
        super().__init__(name, info, doc, features)
        self.base_ref = base_ref
        self.base = None
        self.local_members = local_members
        self.variants = variants
        self.implicit = implicit
        if meta:
            self.meta = meta
        self._checked = False
        self.members = None
        self.owner_what = None

    def is_implicit(self):
        return self.implicit

    def describe(self):
        # Messages about an implicit type name the definition that wrote it.
        if self.implicit and self.owner_what:
            return self.owner_what
        return super().describe()

    def c_type(self):
        return self.c_name() + ' *'

    def json_type(self):
        return 'object'

    def is_empty(self):
        return not self.members and not self.variants


class Command(Entity):
    meta = 'command'

    def __init__(self, name, info, doc, features, arg_ref, ret_ref, boxed,
                 gen, success_response, allow_oob, allow_preconfig,
                 coroutine):
        super().__init__(name, info, doc, features)
        self.arg_ref = arg_ref
        self.ret_ref = ret_ref
        self.arg_type = None
        self.ret_type = None
        self.boxed = boxed
        self.gen = gen
        self.success_response = success_response
        self.allow_oob = allow_oob
        self.allow_preconfig = allow_preconfig
        self.coroutine = coroutine


class Event(Entity):
    meta = 'event'

    def __init__(self, name, info, doc, features, arg_ref, boxed):
        super().__init__(name, info, doc, features)
        self.arg_ref = arg_ref
        self.arg_type = None
        self.boxed = boxed


# --- checking ----------------------------------------------------------------

TYPE_NAME_RE = re.compile(r'^[A-Z][A-Za-z0-9]*$')
EVENT_NAME_RE = re.compile(r'^[A-Z][A-Z0-9_]*$')
LOWER_NAME_RE = re.compile(r'^[a-z][a-z0-9-]*$')
LOWER_US_NAME_RE = re.compile(r'^[a-z][a-z0-9_-]*$')
ENUM_VALUE_RE = re.compile(r'^[a-z0-9][a-z0-9_.-]*$')

META_KEYS = {
    'enum': ('enum', 'data', 'prefix', 'features', 'if'),
    'struct': ('struct', 'data', 'base', 'features', 'if'),
    'union': ('union', 'base', 'discriminator', 'data', 'features', 'if'),
    'alternate': ('alternate', 'data', 'features', 'if'),
    'command': ('command', 'data', 'returns', 'boxed', 'gen',
                'success-response', 'allow-oob', 'allow-preconfig',
                'coroutine', 'features', 'if'),
    'event': ('event', 'data', 'boxed', 'features', 'if'),
}

PRAGMAS = ('doc-required', 'command-name-exceptions',
           'command-returns-exceptions', 'member-name-exceptions',
           'documentation-exceptions')


class Schema:
    def __init__(self, fname):
        self.entities = {}            # name -> Entity
        self.order = []               # user entities in definition order
        self.pragma = {
            'doc-required': False,
            'command-name-exceptions': [],
            'command-returns-exceptions': [],
            'member-name-exceptions': [],
            'documentation-exceptions': [],
        }
        self.docs = []
        for name, ctype, jtype in BUILTINS:
            self.entities[name] = BuiltinType(name, ctype, jtype)
        self.builtins = [self.entities[b[0]] for b in BUILTINS]
        self.arrays = {}
        exprs = parse_schema(fname)
        for expr, doc in exprs:
            if expr is not None and 'pragma' in expr:
                self._pragma(expr)
        for expr, doc in exprs:
            if expr is None:
                self.docs.append(doc)
                continue
            if 'pragma' in expr:
                if doc is not None and doc.symbol is not None:
                    raise QAPIError(doc.info, "documentation for '%s' is "
                                    "followed by a pragma" % doc.symbol)
                continue
            self._define(expr, doc)
        for ent in list(self.order):
            self._resolve(ent)
        self._check_c_collisions()
        for ent in self.order:
            self._check_doc(ent)

    # pass 1 helpers --------------------------------------------------------

    def _pragma(self, expr):
        if len(expr) != 1:
            raise QAPIError(expr.info, "invalid 'pragma' directive")
        body = expr['pragma']
        if not isinstance(body, SDict):
            raise QAPIError(expr.info, "value of 'pragma' must be an object")
        for key, val in body.items():
            info = body.key_info[key]
            if key not in PRAGMAS:
                raise QAPIError(info, "unknown pragma '%s'" % key)
            if key == 'doc-required':
                if not isinstance(val, bool):
                    raise QAPIError(info, "pragma 'doc-required' must be "
                                    "true or false")
                self.pragma[key] = val
            else:
                if not isinstance(val, list) or \
                        not all(isinstance(v, str) for v in val):
                    raise QAPIError(info, "pragma '%s' must be a list of "
                                    "strings" % key)
                self.pragma[key] = self.pragma[key] + val

    @staticmethod
    def _meta_of(expr):
        metas = [k for k in expr if k in META_KEYS or k in ('include',
                                                             'pragma')]
        if len(metas) != 1:
            if not metas:
                raise QAPIError(expr.info, "expression is missing a "
                                "definition keyword (one of %s)"
                                % ', '.join(sorted(META_KEYS)))
            raise QAPIError(expr.info, "expression has more than one "
                            "definition keyword: %s" % ', '.join(metas))
        return metas[0]

    def _define(self, expr, doc):
        meta = self._meta_of(expr)
        name = expr[meta]
        if not isinstance(name, str):
            raise QAPIError(expr.info, "'%s' requires a string name" % meta)
        what = "%s '%s'" % (meta, name)
        for key in expr:
            if key not in META_KEYS[meta]:
                raise QAPIError(expr.key_info[key], "%s: unknown key '%s'"
                                % (what, key))
        if 'if' in expr:
            raise QAPIError(expr.key_info['if'], "%s: 'if' conditions are "
                            "not supported" % what)
        if meta == 'alternate':
            raise QAPIError(expr.info, "%s: alternate types are not "
                            "supported" % what)
        self._check_name(meta, name, expr.info, what)
        features = self._features(expr, what)
        if doc is not None and doc.symbol is not None and doc.symbol != name:
            raise QAPIError(doc.info, "documentation comment is for '%s' "
                            "but the definition is %s" % (doc.symbol, what))
        if doc is not None and doc.symbol is None:
            self.docs.append(doc)
            doc = None
        if meta == 'enum':
            ent = self._def_enum(expr, name, what, doc, features)
        elif meta == 'struct':
            ent = self._def_struct(expr, name, what, doc, features)
        elif meta == 'union':
            ent = self._def_union(expr, name, what, doc, features)
        elif meta == 'command':
            ent = self._def_command(expr, name, what, doc, features)
        else:
            ent = self._def_event(expr, name, what, doc, features)
        self._add(ent)

    def _add(self, ent):
        old = self.entities.get(ent.name)
        if old is not None:
            where = ' at %s' % old.info if old.info else ' as a built-in type'
            raise QAPIError(ent.info, "%s: '%s' is already defined%s"
                            % (ent.describe(), ent.name, where))
        self.entities[ent.name] = ent
        self.order.append(ent)

    def _check_name(self, meta, name, info, what):
        if meta in ('enum', 'struct', 'union', 'alternate'):
            if not TYPE_NAME_RE.match(name):
                raise QAPIError(info, "%s: type names must use CamelCase "
                                "(letters and digits, starting with an "
                                "upper-case letter)" % what)
            if name.endswith('List'):
                raise QAPIError(info, "%s: type names must not end in "
                                "'List'" % what)
        elif meta == 'event':
            if not EVENT_NAME_RE.match(name):
                raise QAPIError(info, "%s: event names must use ALL_CAPS"
                                % what)
        else:
            regex = LOWER_US_NAME_RE \
                if name in self.pragma['command-name-exceptions'] \
                else LOWER_NAME_RE
            if not regex.match(name):
                hint = ''
                if LOWER_US_NAME_RE.match(name):
                    hint = " (or list it in pragma 'command-name-exceptions')"
                raise QAPIError(info, "%s: command names must use lower "
                                "case letters, digits and '-'%s"
                                % (what, hint))

    def _features(self, expr, what):
        if 'features' not in expr:
            return []
        info = expr.key_info['features']
        raw = expr['features']
        if not isinstance(raw, list):
            raise QAPIError(info, "%s: 'features' must be a list" % what)
        out = []
        for f in raw:
            if isinstance(f, SDict):
                for k in f:
                    if k != 'name':
                        raise QAPIError(f.info, "%s: feature has unknown key "
                                        "'%s'" % (what, k))
                f = f.get('name')
            if not isinstance(f, str):
                raise QAPIError(info, "%s: each feature must be a string or "
                                "{'name': STRING}" % what)
            if not LOWER_NAME_RE.match(f):
                raise QAPIError(info, "%s: invalid feature name '%s'"
                                % (what, f))
            if f in [x.name for x in out]:
                raise QAPIError(info, "%s: duplicate feature '%s'"
                                % (what, f))
            out.append(Feature(f, info))
        return out

    def _type_ref(self, val, info, what, allow_array, allow_dict=False):
        """Validate the shape of a type reference; returns it unchanged."""
        if isinstance(val, str):
            return val
        if isinstance(val, list):
            if not allow_array:
                raise QAPIError(info, "%s cannot be an array" % what)
            if len(val) != 1 or not isinstance(val[0], str):
                raise QAPIError(info, "%s: an array type must contain a "
                                "single type name" % what)
            return val
        if isinstance(val, SDict) and allow_dict:
            return val
        raise QAPIError(info, "%s must be a type name" % what)

    def _members(self, data, what, owner):
        """Members from a 'data' object: {'name': TYPE, '*opt': TYPE}."""
        if not isinstance(data, SDict):
            raise QAPIError(getattr(data, 'info', None),
                            "%s: 'data' must be an object" % what)
        out = []
        allow_us = owner in self.pragma['member-name-exceptions']
        for key, val in data.items():
            info = data.key_info[key]
            optional = key.startswith('*')
            name = key[1:] if optional else key
            mwhat = "%s: member '%s'" % (what, name)
            regex = LOWER_US_NAME_RE if allow_us else LOWER_NAME_RE
            if not regex.match(name):
                hint = ''
                if LOWER_US_NAME_RE.match(name):
                    hint = ("; list '%s' in pragma 'member-name-exceptions' "
                            "to permit '_'" % owner)
                raise QAPIError(info, "%s has an invalid name%s"
                                % (mwhat, hint))
            if name.startswith('has-') or name.startswith('has_'):
                raise QAPIError(info, "%s uses the reserved prefix 'has-'"
                                % mwhat)
            features = []
            if isinstance(val, SDict):
                for k in val:
                    if k not in ('type', 'features', 'if'):
                        raise QAPIError(val.key_info[k], "%s has unknown key "
                                        "'%s'" % (mwhat, k))
                if 'if' in val:
                    raise QAPIError(val.key_info['if'], "%s: 'if' conditions "
                                    "are not supported" % mwhat)
                if 'type' not in val:
                    raise QAPIError(val.info, "%s lacks key 'type'" % mwhat)
                features = self._features(val, mwhat)
                val = val['type']
            ref = self._type_ref(val, info, mwhat, allow_array=True)
            out.append(Member(name, info, ref, optional, features, owner))
        return out

    def _def_enum(self, expr, name, what, doc, features):
        if 'data' not in expr:
            raise QAPIError(expr.info, "%s: key 'data' is missing" % what)
        data = expr['data']
        info = expr.key_info['data']
        if not isinstance(data, list):
            raise QAPIError(info, "%s: 'data' must be a list" % what)
        prefix = expr.get('prefix')
        if prefix is not None and (not isinstance(prefix, str) or
                                   not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$',
                                                prefix)):
            raise QAPIError(expr.key_info['prefix'], "%s: 'prefix' must be a "
                            "C identifier" % what)
        members = []
        for v in data:
            vfeatures = []
            vinfo = info
            if isinstance(v, SDict):
                for k in v:
                    if k not in ('name', 'features', 'if'):
                        raise QAPIError(v.key_info[k], "%s: value has unknown "
                                        "key '%s'" % (what, k))
                if 'if' in v:
                    raise QAPIError(v.key_info['if'], "%s: 'if' conditions "
                                    "are not supported" % what)
                vinfo = v.info
                vfeatures = self._features(v, what)
                v = v.get('name')
            if not isinstance(v, str):
                raise QAPIError(vinfo, "%s: each value must be a string or "
                                "{'name': STRING}" % what)
            if not ENUM_VALUE_RE.match(v):
                raise QAPIError(vinfo, "%s: value '%s' has an invalid name"
                                % (what, v))
            if v in [m.name for m in members]:
                raise QAPIError(vinfo, "%s: value '%s' is listed twice"
                                % (what, v))
            members.append(EnumMember(v, vinfo, vfeatures))
        return EnumType(name, expr.info, doc, features, members, prefix)

    def _def_struct(self, expr, name, what, doc, features):
        if 'data' not in expr:
            raise QAPIError(expr.info, "%s: key 'data' is missing" % what)
        base = None
        if 'base' in expr:
            base = self._type_ref(expr['base'], expr.key_info['base'],
                                  "%s: 'base'" % what, allow_array=False)
        members = self._members(expr['data'], what, name)
        return ObjectType(name, expr.info, doc, features, base, members, None)

    def _def_union(self, expr, name, what, doc, features):
        for key in ('base', 'discriminator', 'data'):
            if key not in expr:
                raise QAPIError(expr.info, "%s: key '%s' is missing"
                                % (what, key))
        base = expr['base']
        binfo = expr.key_info['base']
        if isinstance(base, SDict):
            members = self._members(base, what, name)
            impl = ObjectType('q_obj_%s-base' % name, expr.info, None, [],
                              None, members, None, implicit=True)
            impl.owner_what = what
            self._add(impl)
            base = impl.name
        else:
            base = self._type_ref(base, binfo, "%s: 'base'" % what,
                                  allow_array=False)
        disc = expr['discriminator']
        if not isinstance(disc, str):
            raise QAPIError(expr.key_info['discriminator'], "%s: "
                            "'discriminator' must be a string" % what)
        data = expr['data']
        if not isinstance(data, SDict):
            raise QAPIError(expr.key_info['data'], "%s: 'data' must be an "
                            "object" % what)
        variants = []
        for case, val in data.items():
            info = data.key_info[case]
            if isinstance(val, SDict):
                for k in val:
                    if k not in ('type', 'if'):
                        raise QAPIError(val.key_info[k], "%s: branch '%s' has "
                                        "unknown key '%s'" % (what, case, k))
                if 'if' in val:
                    raise QAPIError(val.key_info['if'], "%s: 'if' conditions "
                                    "are not supported" % what)
                if 'type' not in val:
                    raise QAPIError(val.info, "%s: branch '%s' lacks key "
                                    "'type'" % (what, case))
                val = val['type']
            ref = self._type_ref(val, info, "%s: branch '%s'" % (what, case),
                                 allow_array=False)
            variants.append(Variant(case, info, ref))
        return ObjectType(name, expr.info, doc, features, base, [],
                          Variants(disc, expr.key_info['discriminator'],
                                   variants), meta='union')

    def _bool_key(self, expr, key, what, default):
        if key not in expr:
            return default
        if not isinstance(expr[key], bool):
            raise QAPIError(expr.key_info[key], "%s: '%s' must be true or "
                            "false" % (what, key))
        return expr[key]

    def _arg_ref(self, expr, kind, name, what, boxed):
        if 'data' not in expr:
            return None
        data = expr['data']
        info = expr.key_info['data']
        if isinstance(data, SDict):
            if boxed:
                raise QAPIError(info, "%s: 'boxed': true requires 'data' to "
                                "name a struct or union type" % what)
            members = self._members(data, what, name)
            if not members:
                return None
            impl = ObjectType('q_obj_%s-arg' % name, expr.info, None, [],
                              None, members, None, implicit=True)
            impl.owner_what = what
            self._add(impl)
            return impl.name
        if isinstance(data, str):
            return data
        raise QAPIError(info, "%s: 'data' must be an object or a type name"
                        % what)

    def _def_command(self, expr, name, what, doc, features):
        boxed = self._bool_key(expr, 'boxed', what, False)
        gen = self._bool_key(expr, 'gen', what, True)
        arg = self._arg_ref(expr, 'command', name, what, boxed)
        if boxed and arg is None:
            raise QAPIError(expr.info, "%s: 'boxed': true requires 'data'"
                            % what)
        ret = None
        if 'returns' in expr:
            ret = self._type_ref(expr['returns'], expr.key_info['returns'],
                                 "%s: 'returns'" % what, allow_array=True)
        return Command(name, expr.info, doc, features, arg, ret, boxed, gen,
                       self._bool_key(expr, 'success-response', what, True),
                       self._bool_key(expr, 'allow-oob', what, False),
                       self._bool_key(expr, 'allow-preconfig', what, False),
                       self._bool_key(expr, 'coroutine', what, False))

    def _def_event(self, expr, name, what, doc, features):
        boxed = self._bool_key(expr, 'boxed', what, False)
        arg = self._arg_ref(expr, 'event', name, what, boxed)
        if boxed and arg is None:
            raise QAPIError(expr.info, "%s: 'boxed': true requires 'data'"
                            % what)
        return Event(name, expr.info, doc, features, arg, boxed)

    # pass 3 ----------------------------------------------------------------

    def lookup_type(self, ref, info, what):
        if isinstance(ref, list):
            elem = self.lookup_type(ref[0], info, what)
            return self.array_of(elem)
        ent = self.entities.get(ref)
        if ent is None:
            raise QAPIError(info, "%s uses unknown type '%s'" % (what, ref))
        if not isinstance(ent, Type):
            raise QAPIError(info, "%s uses '%s', which is %s, not a type"
                            % (what, ref, 'a command' if isinstance(
                                ent, Command) else 'an event'))
        return ent

    def array_of(self, elem):
        arr = self.arrays.get(elem.name)
        if arr is None:
            arr = ArrayType(elem)
            self.arrays[elem.name] = arr
        return arr

    def _resolve(self, ent):
        if isinstance(ent, ObjectType):
            self._resolve_object(ent, [])
        elif isinstance(ent, Command):
            self._resolve_command(ent)
        elif isinstance(ent, Event):
            self._resolve_event(ent)

    def _resolve_members(self, obj, members, what):
        for m in members:
            m.type = self.lookup_type(m.type_ref, m.info,
                                      "%s: member '%s'" % (what, m.name))

    def _resolve_object(self, obj, stack):
        if obj._checked:
            return
        what = obj.describe()
        if obj.name in stack:
            raise QAPIError(obj.info, "%s: its base contains itself" % what)
        if obj.base_ref is not None:
            base = self.lookup_type(obj.base_ref, obj.info, "%s: 'base'"
                                    % what)
            if not isinstance(base, ObjectType) or base.variants:
                raise QAPIError(obj.info, "%s: 'base' must name a struct "
                                "type, not %s" % (what, base.describe()))
            self._resolve_object(base, stack + [obj.name])
            obj.base = base
        self._resolve_members(obj, obj.local_members, what)
        members = list(obj.base.members) if obj.base else []
        self._check_clash(members, obj.local_members, what)
        obj.members = members + obj.local_members
        if obj.variants:
            self._resolve_variants(obj, stack)
        obj._checked = True

    def _check_clash(self, existing, new, what, info=None):
        seen = {m.c_name(): m for m in existing}
        for m in new:
            old = seen.get(m.c_name())
            if old is not None:
                if old.name == m.name:
                    raise QAPIError(info or m.info, "%s: member '%s' is already "
                                    "defined (by '%s')"
                                    % (what, m.name, old.owner))
                raise QAPIError(info or m.info, "%s: member '%s' collides with member "
                                "'%s'" % (what, m.name, old.name))
            seen[m.c_name()] = m

    def _resolve_variants(self, obj, stack):
        what = obj.describe()
        vs = obj.variants
        if obj.name.startswith('q_obj_'):
            raise AssertionError('implicit unions do not exist')
        tag = [m for m in obj.members if m.name == vs.tag_name]
        if not tag:
            raise QAPIError(vs.info, "%s: discriminator '%s' is not a member "
                            "of 'base'" % (what, vs.tag_name))
        tag = tag[0]
        if tag.optional:
            raise QAPIError(vs.info, "%s: discriminator member '%s' must not "
                            "be optional" % (what, tag.name))
        if not isinstance(tag.type, EnumType):
            raise QAPIError(vs.info, "%s: discriminator member '%s' must be "
                            "of enum type, not %s" % (what, tag.name,
                                                      tag.type.describe()))
        vs.tag_member = tag
        values = [m.name for m in tag.type.members]
        for v in vs.variants:
            if v.case not in values:
                raise QAPIError(v.info, "%s: branch '%s' is not a value of "
                                "%s" % (what, v.case, tag.type.describe()))
            t = self.lookup_type(v.type_ref, v.info, "%s: branch '%s'"
                                 % (what, v.case))
            if not isinstance(t, ObjectType) or t.variants:
                raise QAPIError(v.info, "%s: branch '%s' must name a struct "
                                "type, not %s" % (what, v.case, t.describe()))
            self._resolve_object(t, stack + [obj.name])
            v.type = t
            self._check_clash(obj.members, t.members, "%s: branch '%s'"
                              % (what, v.case), v.info)
        if any(m.name == 'u' for m in obj.members):
            raise QAPIError(obj.info, "%s: member name 'u' is reserved in "
                            "unions" % what)

    def _resolve_command(self, cmd):
        what = cmd.describe()
        if cmd.arg_ref is not None:
            t = self.lookup_type(cmd.arg_ref, cmd.info, "%s: 'data'" % what)
            if not isinstance(t, ObjectType):
                raise QAPIError(cmd.info, "%s: 'data' must name a struct%s "
                                "type, not %s" % (what, ' or union' if
                                                  cmd.boxed else '',
                                                  t.describe()))
            self._resolve_object(t, [])
            if t.variants and not cmd.boxed:
                raise QAPIError(cmd.info, "%s: 'data' names %s; this needs "
                                "'boxed': true" % (what, t.describe()))
            cmd.arg_type = t
        if cmd.ret_ref is not None:
            t = self.lookup_type(cmd.ret_ref, cmd.info, "%s: 'returns'"
                                 % what)
            elem = t.element_type if isinstance(t, ArrayType) else t
            if not isinstance(elem, ObjectType) and \
                    cmd.name not in self.pragma['command-returns-exceptions']:
                raise QAPIError(cmd.info, "%s: 'returns' cannot use %s; "
                                "return an object or list it in pragma "
                                "'command-returns-exceptions'"
                                % (what, elem.describe()))
            cmd.ret_type = t

    def _resolve_event(self, ev):
        what = ev.describe()
        if ev.arg_ref is not None:
            t = self.lookup_type(ev.arg_ref, ev.info, "%s: 'data'" % what)
            if not isinstance(t, ObjectType):
                raise QAPIError(ev.info, "%s: 'data' must name a struct type, "
                                "not %s" % (what, t.describe()))
            self._resolve_object(t, [])
            if t.variants and not ev.boxed:
                raise QAPIError(ev.info, "%s: 'data' names %s; this needs "
                                "'boxed': true" % (what, t.describe()))
            ev.arg_type = t

    def _check_c_collisions(self):
        seen = {}
        for ent in self.order:
            if isinstance(ent, EnumType):
                vals = {}
                for m in ent.members:
                    cn = c_name(m.name, False)
                    if cn in vals:
                        raise QAPIError(m.info, "%s: value '%s' collides with "
                                        "value '%s'" % (ent.describe(),
                                                        m.name, vals[cn]))
                    vals[cn] = m.name
            if isinstance(ent, (Command, Event)):
                key = (ent.meta, c_name(ent.name))
                if key in seen:
                    raise QAPIError(ent.info, "%s collides with %s"
                                    % (ent.describe(), seen[key].describe()))
                seen[key] = ent

    # documentation -----------------------------------------------------------

    def _documented_members(self, ent):
        """(kind, names) that the doc comment of ent must describe."""
        if isinstance(ent, EnumType):
            return 'value', [m.name for m in ent.members]
        if isinstance(ent, ObjectType):
            own = list(ent.local_members)
            if ent.base is not None and ent.base.implicit:
                own = ent.base.local_members + own
            return 'member', [m.name for m in own]
        if isinstance(ent, (Command, Event)):
            t = ent.arg_type
            if t is not None and t.implicit:
                return 'member', [m.name for m in t.members]
            return 'member', []
        return 'member', []

    def _check_doc(self, ent):
        if getattr(ent, 'implicit', False):
            return
        doc = ent.doc
        what = ent.describe()
        if doc is None:
            if self.pragma['doc-required'] and \
                    ent.name not in self.pragma['documentation-exceptions']:
                raise QAPIError(ent.info, "%s lacks documentation" % what)
            return
        kind, names = self._documented_members(ent)
        for name, sec in doc.args.items():
            if name not in names:
                raise QAPIError(sec.info, "%s: documented %s '%s' does not "
                                "exist" % (what, kind, name))
        fnames = ent.feature_names()
        for name, sec in doc.features.items():
            if name not in fnames:
                raise QAPIError(sec.info, "%s: documented feature '%s' does "
                                "not exist" % (what, name))
        if not self.pragma['doc-required'] or \
                ent.name in self.pragma['documentation-exceptions']:
            return
        for name in names:
            if name not in doc.args:
                raise QAPIError(doc.info, "%s: %s '%s' lacks documentation"
                                % (what, kind, name))
        for name in fnames:
            if name not in doc.features:
                raise QAPIError(doc.info, "%s: feature '%s' lacks "
                                "documentation" % (what, name))

    # queries for the back-ends ---------------------------------------------------

    def types(self):
        return [e for e in self.order if isinstance(e, Type)]

    def enums(self):
        return [e for e in self.order if isinstance(e, EnumType)]

    def objects(self):
        return [e for e in self.order if isinstance(e, ObjectType)]

    def commands(self):
        return [e for e in self.order if isinstance(e, Command)]

    def events(self):
        return [e for e in self.order if isinstance(e, Event)]
