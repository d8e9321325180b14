"""The checked schema: entities built from parsed expressions.

Checking happens in three passes so that forward references work:
  1. shape: every expression has the keys its kind allows, of the right
     JSON type, with well-formed names and conditions;
  2. definition: one entity per name, implicit types created;
  3. resolution: type references resolved, unions, alternates and commands
     checked, documentation matched against what it documents.

Where errors point: a problem with a definition or anything written inside
it (members, values, branches, features, flags) is reported at the line
that opens the definition, as QEMU does; a problem in a documentation
comment at the comment's line; a pragma's at the pragma.

Names: types are CamelCase, events ALL_CAPS, everything else lower case
with '-' ('_' only where a pragma permits it).  Any name may carry a
downstream prefix '__RFQDN_' (e.g. '__org.example_frob').  Names whose C
form starts with 'q_' belong to the generator, and so do members 'u' and
'has-*'.
"""

import re

from .error import QAPIError
from .parser import parse_schema, SDict
from .ifcond import IfCond, parse_ifcond
from .entities import (C_KEYWORDS, c_name, camel_to_upper, Entity, Feature,
                       Type, BuiltinType, BUILTINS, QTYPE_VALUES, EnumMember,
                       EnumType, ArrayType, Member, Variant, Variants,
                       ObjectType, AlternateType, Command, Event)

__all__ = ['Schema', 'C_KEYWORDS', 'c_name', 'camel_to_upper', 'Entity',
           'Feature', 'Type', 'BuiltinType', 'EnumType', 'ArrayType',
           'Member', 'Variant', 'Variants', 'ObjectType', 'AlternateType',
           'Command', 'Event', 'IfCond']

DOWNSTREAM = r'(?:__[A-Za-z0-9.-]+_)?'
TYPE_NAME_RE = re.compile('^' + DOWNSTREAM + r'(?:x-)?[A-Z][A-Za-z0-9]*$')
EVENT_NAME_RE = re.compile('^' + DOWNSTREAM + r'[A-Z][A-Z0-9_-]*$')
LOWER_NAME_RE = re.compile('^' + DOWNSTREAM + r'[a-z][a-z0-9-]*$')
# What pragma 'member-name-exceptions' permits: upper case and '_' too
# (UuidInfo's 'UUID', NetdevTapOptions' 'vnet_hdr').
LOWER_US_NAME_RE = re.compile('^' + DOWNSTREAM + r'[a-zA-Z][a-zA-Z0-9_-]*$')
# Enum values may also start with a digit.
VALUE_NAME_RE = re.compile('^' + DOWNSTREAM + r'[a-z0-9][a-z0-9-]*$')
VALUE_US_NAME_RE = re.compile('^' + DOWNSTREAM +
                              r'[a-zA-Z0-9][a-zA-Z0-9_-]*$')

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

# Flags exist to change a default, so each may only be written with the
# value that is not the default.
FLAG_VALUES = {'boxed': True, 'allow-oob': True, 'allow-preconfig': True,
               'coroutine': True, 'gen': False, 'success-response': False}

PRAGMAS = ('doc-required', 'command-name-exceptions',
           'command-returns-exceptions', 'member-name-exceptions',
           'documentation-exceptions')

# Features the generated code acts on.
SPECIAL_FEATURES = ('deprecated', 'unstable')


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
        self.qtype = EnumType('QType', None, None, [],
                              [EnumMember(v, None, []) for v in QTYPE_VALUES],
                              'QTYPE', predefined=True)
        self.entities['QType'] = self.qtype
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
                if doc is not None:
                    self.docs.append(doc)
                continue
            self._define(expr, doc)
        for ent in list(self.order):
            self._resolve(ent)
        self._check_c_collisions()
        for ent in self.order:
            self._check_doc(ent)

    # pass 1 helpers --------------------------------------------------------

    def _pragma(self, expr):
        info = expr.info
        if len(expr) != 1:
            raise QAPIError(info, "invalid 'pragma' directive")
        body = expr['pragma']
        if not isinstance(body, SDict):
            raise QAPIError(info, "value of 'pragma' must be an object")
        for key, val in body.items():
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
        info = expr.info
        if not isinstance(name, str):
            raise QAPIError(info, "'%s' requires a string name" % meta)
        what = "%s '%s'" % (meta, name)
        for key in expr:
            if key not in META_KEYS[meta]:
                raise QAPIError(info, "%s: unknown key '%s'" % (what, key))
        for key, good in FLAG_VALUES.items():
            if key in expr and key in META_KEYS[meta] and \
                    expr[key] is not good:
                raise QAPIError(info, "%s: flag '%s' may only be written "
                                "'%s'" % (what, key, str(good).lower()))
        self._check_name(meta, name, info, what)
        ifcond = self._ifcond(expr, info, what)
        features = self._features(expr, info, what)
        if meta in ('enum', 'struct', 'union', 'alternate'):
            for f in features:
                if f.name == 'deprecated':
                    raise QAPIError(info, "%s: feature 'deprecated' is not "
                                    "allowed on types (put it on the "
                                    "members, commands or events that use "
                                    "the type)" % what)
        if doc is not None and doc.symbol is None:
            raise QAPIError(doc.info, "documentation comment right before "
                            "%s must start with '@%s:'" % (what, name))
        if doc is not None and doc.symbol != name:
            raise QAPIError(doc.info, "documentation comment is for '%s' "
                            "but the definition is %s" % (doc.symbol, what))
        self._cur_ifcond = ifcond     # implicit types share it
        make = {'enum': self._def_enum, 'struct': self._def_struct,
                'union': self._def_union, 'alternate': self._def_alternate,
                'command': self._def_command, 'event': self._def_event}
        ent = make[meta](expr, name, what, doc, features)
        ent.ifcond = ifcond
        self._add(ent)

    def _add(self, ent):
        old = self.entities.get(ent.name)
        if old is not None:
            where = ' at %s' % old.info if old.info else ' as a built-in type'
            raise QAPIError(ent.info, "%s: '%s' is already defined%s"
                            % (ent.describe(), ent.name, where))
        self.entities[ent.name] = ent
        self.order.append(ent)

    @staticmethod
    def _ifcond(obj, info, what):
        if 'if' not in obj:
            return IfCond()
        return parse_ifcond(obj['if'], info, what)

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
            self._check_not_reserved(name, info, what)

    @staticmethod
    def _check_not_reserved(name, info, what):
        if c_name(name, False).startswith('q_'):
            raise QAPIError(info, "%s uses the reserved prefix 'q-'" % what)

    def _features(self, obj, info, what):
        if 'features' not in obj:
            return []
        raw = obj['features']
        if not isinstance(raw, list):
            raise QAPIError(info, "%s: 'features' must be a list" % what)
        out = []
        for f in raw:
            fcond = IfCond()
            if isinstance(f, SDict):
                for k in f:
                    if k not in ('name', 'if'):
                        raise QAPIError(info, "%s: feature has unknown key "
                                        "'%s'" % (what, k))
                fname = f.get('name')
                if isinstance(fname, str):
                    fcond = self._ifcond(f, info, "%s: feature '%s'"
                                         % (what, fname))
                f = fname
            if not isinstance(f, str):
                raise QAPIError(info, "%s: each feature must be a string or "
                                "{'name': STRING}" % what)
            if not LOWER_NAME_RE.match(f):
                raise QAPIError(info, "%s: invalid feature name '%s'"
                                % (what, f))
            self._check_not_reserved(f, info, "%s: feature '%s'" % (what, f))
            if f in [x.name for x in out]:
                raise QAPIError(info, "%s: duplicate feature '%s'"
                                % (what, f))
            out.append(Feature(f, info, fcond))
        return out

    @staticmethod
    def _type_ref(val, info, what, allow_array):
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
        raise QAPIError(info, "%s must be a type name" % what)

    def _longhand(self, val, info, what, keys, required):
        """Split {'type'|'name': X, 'if': C, 'features': F} into
        (X, IfCond, features); a plain value is (val, IfCond(), [])."""
        if not isinstance(val, SDict):
            return val, IfCond(), []
        for k in val:
            if k not in keys:
                raise QAPIError(info, "%s has unknown key '%s'" % (what, k))
        if required not in val:
            raise QAPIError(info, "%s lacks key '%s'" % (what, required))
        features = self._features(val, info, what) \
            if 'features' in keys else []
        return val[required], self._ifcond(val, info, what), features

    def _check_lower(self, name, info, what, permit_us, value=False):
        if value:
            regex = VALUE_US_NAME_RE if permit_us else VALUE_NAME_RE
            good = VALUE_US_NAME_RE
        else:
            regex = LOWER_US_NAME_RE if permit_us else LOWER_NAME_RE
            good = LOWER_US_NAME_RE
        if not regex.match(name):
            hint = ''
            if good.match(name):
                hint = ("; list '%s' in pragma 'member-name-exceptions' "
                        "to permit upper case and '_'" % self._owner)
            raise QAPIError(info, "%s has an invalid name%s" % (what, hint))
        self._check_not_reserved(name, info, what)

    def _members(self, data, info, what, owner):
        """Members from a 'data' object: {'name': TYPE, '*opt': TYPE}."""
        if not isinstance(data, SDict):
            raise QAPIError(info, "%s: 'data' must be an object" % what)
        out = []
        self._owner = owner
        allow_us = owner in self.pragma['member-name-exceptions']
        for key, val in data.items():
            optional = key.startswith('*')
            name = key[1:] if optional else key
            mwhat = "%s: member '%s'" % (what, name)
            self._check_lower(name, info, mwhat, allow_us)
            cname = c_name(name, False)
            if cname.startswith('has_'):
                raise QAPIError(info, "%s uses the reserved prefix 'has-'"
                                % mwhat)
            if cname == 'u':
                raise QAPIError(info, "%s: the name 'u' is reserved (it "
                                "holds the branches of unions in C)" % mwhat)
            val, cond, features = self._longhand(
                val, info, mwhat, ('type', 'if', 'features'), 'type')
            ref = self._type_ref(val, info, mwhat, allow_array=True)
            out.append(Member(name, info, ref, optional, features, owner,
                              cond))
        return out

    def _def_enum(self, expr, name, what, doc, features):
        info = expr.info
        if 'data' not in expr:
            raise QAPIError(info, "%s: key 'data' is missing" % what)
        data = expr['data']
        if not isinstance(data, list):
            raise QAPIError(info, "%s: 'data' must be a list" % what)
        prefix = expr.get('prefix')
        if prefix is not None and (not isinstance(prefix, str) or
                                   not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$',
                                                prefix)):
            raise QAPIError(info, "%s: 'prefix' must be a C identifier"
                            % what)
        self._owner = name
        allow_us = name in self.pragma['member-name-exceptions']
        members = []
        for v in data:
            v, cond, vfeatures = self._longhand(
                v, info, "%s: value" % what, ('name', 'if', 'features'),
                'name')
            if not isinstance(v, str):
                raise QAPIError(info, "%s: each value must be a string or "
                                "{'name': STRING}" % what)
            self._check_lower(v, info, "%s: value '%s'" % (what, v),
                              allow_us, value=True)
            if v in [m.name for m in members]:
                raise QAPIError(info, "%s: value '%s' is listed twice"
                                % (what, v))
            members.append(EnumMember(v, info, vfeatures, cond))
        return EnumType(name, info, doc, features, members, prefix)

    def _def_struct(self, expr, name, what, doc, features):
        if 'data' not in expr:
            raise QAPIError(expr.info, "%s: key 'data' is missing" % what)
        base = None
        if 'base' in expr:
            base = self._type_ref(expr['base'], expr.info,
                                  "%s: 'base'" % what, allow_array=False)
        members = self._members(expr['data'], expr.info, what, name)
        return ObjectType(name, expr.info, doc, features, base, members, None)

    def _branches(self, data, info, what):
        """Branches from a union's or alternate's 'data' object."""
        if not isinstance(data, SDict):
            raise QAPIError(info, "%s: 'data' must be an object" % what)
        if not data:
            raise QAPIError(info, "%s: 'data' must have at least one "
                            "branch" % what)
        out = []
        for case, val in data.items():
            bwhat = "%s: branch '%s'" % (what, case)
            val, cond, _ = self._longhand(val, info, bwhat, ('type', 'if'),
                                          'type')
            ref = self._type_ref(val, info, bwhat,
                                 allow_array=what.startswith('alternate'))
            out.append(Variant(case, info, ref, cond))
        return out

    def _def_union(self, expr, name, what, doc, features):
        info = expr.info
        for key in ('base', 'discriminator', 'data'):
            if key not in expr:
                raise QAPIError(info, "%s: key '%s' is missing"
                                % (what, key))
        base = expr['base']
        if isinstance(base, SDict):
            members = self._members(base, info, what, name)
            impl = ObjectType('q_obj_%s-base' % name, info, None, [],
                              None, members, None, implicit=True,
                              ifcond=self._cur_ifcond)
            impl.owner_what = what
            self._add(impl)
            base = impl.name
        else:
            base = self._type_ref(base, info, "%s: 'base'" % what,
                                  allow_array=False)
        disc = expr['discriminator']
        if not isinstance(disc, str):
            raise QAPIError(info, "%s: 'discriminator' must be a string"
                            % what)
        variants = self._branches(expr['data'], info, what)
        union = ObjectType(name, info, doc, features, base, [],
                           Variants(disc, info, variants), meta='union')
        return union

    def _def_alternate(self, expr, name, what, doc, features):
        info = expr.info
        if 'data' not in expr:
            raise QAPIError(info, "%s: key 'data' is missing" % what)
        branches = self._branches(expr['data'], info, what)
        self._owner = name
        for b in branches:
            self._check_lower(b.case, info, "%s: branch '%s'"
                              % (what, b.case), False)
        return AlternateType(name, info, doc, features, branches)

    def _arg_ref(self, expr, meta, name, what, boxed):
        """The type name of 'data' (creating the implicit type for an
        inline object), or None without 'data'."""
        if 'data' not in expr:
            return None
        data = expr['data']
        if isinstance(data, SDict):
            if boxed:
                raise QAPIError(expr.info, "%s: 'boxed': true requires "
                                "'data' to name a struct or union type"
                                % what)
            members = self._members(data, expr.info, what, name)
            impl = ObjectType('q_obj_%s-arg' % name, expr.info, None, [],
                              None, members, None, implicit=True,
                              ifcond=self._cur_ifcond)
            impl.owner_what = what
            self._add(impl)
            return impl.name
        if isinstance(data, str):
            return data
        raise QAPIError(expr.info, "%s: 'data' must be an object or a type "
                        "name" % what)

    def _def_command(self, expr, name, what, doc, features):
        boxed = expr.get('boxed', False)
        arg = self._arg_ref(expr, 'command', name, what, boxed)
        if boxed and arg is None:
            raise QAPIError(expr.info, "%s: 'boxed': true requires 'data'"
                            % what)
        allow_oob = expr.get('allow-oob', False)
        coroutine = expr.get('coroutine', False)
        if allow_oob and coroutine:
            raise QAPIError(expr.info, "%s: 'allow-oob' and 'coroutine' "
                            "exclude each other (out-of-band commands run "
                            "outside the main loop)" % what)
        ret = None
        if 'returns' in expr:
            ret = self._type_ref(expr['returns'], expr.info,
                                 "%s: 'returns'" % what, allow_array=True)
        return Command(name, expr.info, doc, features, arg, ret, boxed,
                       expr.get('gen', True),
                       expr.get('success-response', True), allow_oob,
                       expr.get('allow-preconfig', False), coroutine)

    def _def_event(self, expr, name, what, doc, features):
        boxed = expr.get('boxed', False)
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
        elif isinstance(ent, AlternateType):
            self._resolve_alternate(ent)
        elif isinstance(ent, Command):
            self._resolve_command(ent)
        elif isinstance(ent, Event):
            self._resolve_event(ent)

    def _resolve_members(self, members, what):
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
        self._resolve_members(obj.local_members, what)
        members = list(obj.base.members) if obj.base else []
        self._check_clash(members, obj.local_members, what, obj.info)
        obj.members = members + obj.local_members
        if obj.variants:
            self._resolve_variants(obj, stack)
        obj._checked = True

    @staticmethod
    def _check_clash(existing, new, what, info):
        seen = {m.c_name(): m for m in existing}
        for m in new:
            old = seen.get(m.c_name())
            if old is not None:
                if old.name == m.name:
                    raise QAPIError(info, "%s: member '%s' is already "
                                    "defined (by '%s')"
                                    % (what, m.name, old.owner))
                raise QAPIError(info, "%s: member '%s' collides with member "
                                "'%s'" % (what, m.name, old.name))
            seen[m.c_name()] = m

    def _resolve_variants(self, obj, stack):
        what = obj.describe()
        info = obj.info
        vs = obj.variants
        tag = [m for m in obj.members if m.name == vs.tag_name]
        if not tag:
            raise QAPIError(info, "%s: discriminator '%s' is not a member "
                            "of 'base'" % (what, vs.tag_name))
        tag = tag[0]
        if tag.optional:
            raise QAPIError(info, "%s: discriminator member '%s' must not "
                            "be optional" % (what, tag.name))
        if tag.ifcond.is_present():
            raise QAPIError(info, "%s: discriminator member '%s' must not "
                            "be conditional" % (what, tag.name))
        if not isinstance(tag.type, EnumType):
            raise QAPIError(info, "%s: discriminator member '%s' must be "
                            "of enum type, not %s" % (what, tag.name,
                                                      tag.type.describe()))
        vs.tag_member = tag
        values = [m.name for m in tag.type.members]
        for v in vs.variants:
            if v.case not in values:
                raise QAPIError(info, "%s: branch '%s' is not a value of "
                                "%s" % (what, v.case, tag.type.describe()))
            t = self.lookup_type(v.type_ref, info, "%s: branch '%s'"
                                 % (what, v.case))
            if not isinstance(t, ObjectType):
                raise QAPIError(info, "%s: branch '%s' must name a struct "
                                "or union type, not %s"
                                % (what, v.case, t.describe()))
            self._resolve_object(t, stack + [obj.name])
            v.type = t
            self._check_clash(obj.members, t.members, "%s: branch '%s'"
                              % (what, v.case), info)

    def _resolve_alternate(self, alt):
        what = alt.describe()
        seen = {}                 # QType -> branch that takes it
        for b in alt.branches:
            bwhat = "%s: branch '%s'" % (what, b.case)
            t = self.lookup_type(b.type_ref, alt.info, bwhat)
            if isinstance(t, ObjectType):
                self._resolve_object(t, [])
            qtype = t.qtype()
            if qtype is None:
                raise QAPIError(alt.info, "%s cannot use %s" % (bwhat,
                                                               t.describe()))
            b.type = t
            # On the command line (keyval) every scalar is a string, so a
            # string branch would swallow numbers and booleans, and an
            # enum would too if its values look like them.
            takes = {qtype}
            if qtype == 'QTYPE_QSTRING':
                if isinstance(t, EnumType):
                    for m in t.members:
                        if m.name in ('on', 'off', 'yes', 'no', 'true',
                                      'false'):
                            takes.add('QTYPE_QBOOL')
                        if re.match(r'^[-+0-9.]', m.name):
                            takes.add('QTYPE_QNUM')
                else:
                    takes |= {'QTYPE_QNUM', 'QTYPE_QBOOL'}
            for q in sorted(takes):
                if q in seen:
                    raise QAPIError(alt.info, "%s can't be told apart from "
                                    "branch '%s'" % (bwhat, seen[q]))
            for q in takes:
                seen[q] = b.case

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
            if not ev.boxed and t.members and \
                    all(m.ifcond.is_present() for m in t.members):
                # The emitter's C parameter list could come out empty.
                raise QAPIError(ev.info, "%s: every member is conditional; "
                                "this needs 'boxed': true" % what)
            ev.arg_type = t

    def _check_c_collisions(self):
        seen = {}
        for ent in self.order:
            if isinstance(ent, EnumType):
                vals = {}
                for m in ent.members:
                    cn = c_name(m.name, False)
                    if cn in vals:
                        raise QAPIError(ent.info, "%s: value '%s' collides "
                                        "with value '%s'" % (ent.describe(),
                                                             m.name, vals[cn]))
                    vals[cn] = m.name
            if isinstance(ent, (Command, Event)):
                key = (ent.meta, c_name(ent.name))
                if key in seen:
                    raise QAPIError(ent.info, "%s collides with %s"
                                    % (ent.describe(), seen[key].describe()))
                seen[key] = ent

    # documentation -----------------------------------------------------------

    @staticmethod
    def _documented_members(ent):
        """(kind, names) that the doc comment of ent must describe."""
        if isinstance(ent, EnumType):
            return 'value', [m.name for m in ent.members]
        if isinstance(ent, AlternateType):
            return 'branch', [b.case for b in ent.branches]
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

    @staticmethod
    def _documented_features(ent):
        """Feature names ent's doc comment must describe: the
        definition's own and those of its members or values."""
        names = ent.feature_names()
        parts = []
        if isinstance(ent, EnumType):
            parts = ent.members
        elif isinstance(ent, ObjectType):
            parts = ent.local_members
            if ent.base is not None and ent.base.implicit:
                parts = ent.base.local_members + parts
        elif isinstance(ent, (Command, Event)) and ent.arg_type is not None \
                and ent.arg_type.implicit:
            parts = ent.arg_type.members
        for p in parts:
            for f in p.features:
                if f.name not in names:
                    names.append(f.name)
        return names

    def _check_doc(self, ent):
        if getattr(ent, 'implicit', False):
            return
        doc = ent.doc
        what = ent.describe()
        excepted = not self.pragma['doc-required'] or \
            ent.name in self.pragma['documentation-exceptions']
        if doc is None:
            if not excepted:
                raise QAPIError(ent.info, "%s lacks documentation" % what)
            return
        kind, names = self._documented_members(ent)
        for name, sec in doc.args.items():
            if name not in names:
                raise QAPIError(sec.info, "%s: documented %s '%s' does not "
                                "exist" % (what, kind, name))
        fnames = self._documented_features(ent)
        for name, sec in doc.features.items():
            if name not in fnames:
                raise QAPIError(sec.info, "%s: documented feature '%s' does "
                                "not exist" % (what, name))
        for sec in doc.section('Returns'):
            if not isinstance(ent, Command):
                raise QAPIError(sec.info, "%s: 'Returns:' is only for "
                                "commands" % what)
            if ent.ret_ref is None:
                raise QAPIError(sec.info, "%s returns nothing, so its "
                                "documentation has no 'Returns:'" % what)
        # Features are documented whenever there is a doc comment: they
        # are what clients look up (deprecation, stability).
        for name in fnames:
            if name not in doc.features:
                raise QAPIError(doc.info, "%s: feature '%s' lacks "
                                "documentation" % (what, name))
        if excepted:
            return
        for name in names:
            if name not in doc.args:
                raise QAPIError(doc.info, "%s: %s '%s' lacks documentation"
                                % (what, kind, name))

    # queries for the back-ends ---------------------------------------------------

    def types(self):
        return [e for e in self.order if isinstance(e, Type)]

    def enums(self):
        return [e for e in self.order if isinstance(e, EnumType)]

    def objects(self):
        return [e for e in self.order if isinstance(e, ObjectType)]

    def alternates(self):
        return [e for e in self.order if isinstance(e, AlternateType)]

    def has_conditions(self):
        """Whether anything in the schema is conditional."""
        def parts(ent):
            yield ent
            yield from ent.features
            for m in getattr(ent, 'members', None) or []:
                yield m
                yield from m.features
            yield from getattr(ent, 'branches', [])
            if getattr(ent, 'variants', None):
                yield from ent.variants.variants
        return any(p.ifcond.is_present() for e in self.order
                   for p in parts(e))

    def commands(self):
        return [e for e in self.order if isinstance(e, Command)]

    def events(self):
        return [e for e in self.order if isinstance(e, Event)]
