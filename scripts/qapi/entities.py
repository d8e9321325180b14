"""The checked schema's building blocks: one class per kind of definition
(built-in, enum, array, struct/union, alternate, command, event) and the
parts they are made of (members, enum values, branches, features).

Every part carries 'ifcond', its own condition (an IfCond, possibly
empty); a part exists in a build when its condition and those of the
definitions around it hold.  The back-ends wrap each part's code in its
own condition only, nesting inside the definition's.
"""

import re

from .ifcond import IfCond

C_KEYWORDS = frozenset('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn
    _Static_assert _Thread_local bool true false errno unix linux
'''.split())


def c_name(name, protect=True):
    """The C identifier for a schema name ('poll-us' -> 'poll_us',
    '__org.example_x' -> '__org_example_x')."""
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


class Entity:
    meta = None

    def __init__(self, name, info, doc=None, features=(), ifcond=None):
        self.name = name
        self.info = info
        self.doc = doc
        self.features = list(features)
        self.ifcond = ifcond or IfCond()

    def describe(self):
        return "%s '%s'" % (self.meta, self.name)

    def feature_names(self):
        return [f.name for f in self.features]


class Feature:
    def __init__(self, name, info, ifcond=None):
        self.name = name
        self.info = info
        self.ifcond = ifcond or IfCond()


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

    def qtype(self):
        """The QType constant an alternate branch of this type answers
        to, or None if it cannot be a branch."""
        return None

    def is_implicit(self):
        return False


JSON_TO_QTYPE = {'string': 'QTYPE_QSTRING', 'number': 'QTYPE_QNUM',
                 'int': 'QTYPE_QNUM', 'boolean': 'QTYPE_QBOOL',
                 'null': 'QTYPE_QNULL', 'object': 'QTYPE_QDICT',
                 'array': 'QTYPE_QLIST'}


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

    def qtype(self):
        return JSON_TO_QTYPE.get(self._json_type)


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
    ('null', 'QNull *', 'null'),
    ('any', 'JsonNode *', 'value'),
]

# The predefined enum QType: the JSON type of a value, as alternates see
# it.  Its C enum and lookup table live in the runtime (qapi/util.h), so
# that the runtime's alternate support needs no generated code.
QTYPE_VALUES = ['none', 'qnull', 'qnum', 'qstring', 'qdict', 'qlist',
                'qbool']


class EnumMember:
    def __init__(self, name, info, features, ifcond=None):
        self.name = name
        self.info = info
        self.features = features
        self.ifcond = ifcond or IfCond()


class EnumType(Type):
    meta = 'enum'

    def __init__(self, name, info, doc, features, members, prefix,
                 ifcond=None, predefined=False):
        super().__init__(name, info, doc, features, ifcond)
        self.members = members
        self.prefix = prefix
        self.predefined = predefined

    def c_type(self):
        return self.c_name()

    def json_type(self):
        return 'string'

    def qtype(self):
        return 'QTYPE_QSTRING'

    def _prefix(self):
        return self.prefix if self.prefix is not None \
            else camel_to_upper(self.name)

    def value_c_name(self, value):
        return self._prefix() + '_' + c_name(value, False).upper()

    def max_c_name(self):
        return self._prefix() + '__MAX'


class ArrayType(Type):
    meta = 'array'
    is_pointer = True

    def __init__(self, element_type):
        super().__init__(element_type.name + 'List', element_type.info,
                         ifcond=element_type.ifcond)
        self.element_type = element_type

    def c_type(self):
        return self.c_name() + ' *'

    def json_type(self):
        return 'array'

    def qtype(self):
        return 'QTYPE_QLIST'


class Member:
    def __init__(self, name, info, type_ref, optional, features, owner,
                 ifcond=None):
        self.name = name
        self.info = info
        self.type_ref = type_ref
        self.type = None
        self.optional = optional
        self.features = features
        self.owner = owner        # the definition name, for messages
        self.ifcond = ifcond or IfCond()

    def c_name(self):
        return c_name(self.name)

    def needs_has_flag(self):
        return self.optional and not self.type.is_pointer


class Variant:
    """A branch: of a union (case = a tag value) or of an alternate (case
    = the branch's name)."""

    def __init__(self, case, info, type_ref, ifcond=None):
        self.case = case
        self.info = info
        self.type_ref = type_ref
        self.type = None
        self.ifcond = ifcond or IfCond()


class Case:
    """One value of a union's tag with the branch it selects (type None:
    no members beyond the common ones).  Both conditions apply."""

    def __init__(self, name, type_, value_ifcond, branch_ifcond):
        self.name = name
        self.type = type_
        self.value_ifcond = value_ifcond
        self.branch_ifcond = branch_ifcond


class Variants:
    def __init__(self, tag_name, info, variants):
        self.tag_name = tag_name
        self.info = info
        self.tag_member = None
        self.variants = variants      # explicitly written branches

    def all_cases(self):
        """A Case for every value of the tag enum, in its order."""
        by_case = {v.case: v for v in self.variants}
        out = []
        for m in self.tag_member.type.members:
            v = by_case.get(m.name)
            out.append(Case(m.name, v.type if v else None, m.ifcond,
                            v.ifcond if v else IfCond()))
        return out


class ObjectType(Type):
    meta = 'struct'
    is_pointer = True

    def __init__(self, name, info, doc, features, base_ref, local_members,
                 variants, implicit=False, meta=None, ifcond=None):
        super().__init__(name, info, doc, features, ifcond)
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

    def qtype(self):
        return 'QTYPE_QDICT'

    def is_empty(self):
        return not self.members and not self.variants


class AlternateType(Type):
    """A value that takes one of several JSON forms; the branch is chosen
    by the JSON type of the value (see Variant; branch.qtype)."""

    meta = 'alternate'
    is_pointer = True

    def __init__(self, name, info, doc, features, branches, ifcond=None):
        super().__init__(name, info, doc, features, ifcond)
        self.branches = branches

    def c_type(self):
        return self.c_name() + ' *'

    def json_type(self):
        return 'value'


class Command(Entity):
    meta = 'command'

    def __init__(self, name, info, doc, features, arg_ref, ret_ref, boxed,
                 gen, success_response, allow_oob, allow_preconfig,
                 coroutine, ifcond=None):
        super().__init__(name, info, doc, features, ifcond)
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

    def __init__(self, name, info, doc, features, arg_ref, boxed,
                 ifcond=None):
        super().__init__(name, info, doc, features, ifcond)
        self.arg_ref = arg_ref
        self.arg_type = None
        self.boxed = boxed
