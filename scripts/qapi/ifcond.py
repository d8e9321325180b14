"""Conditions ('if'): which build configurations a schema item exists in.

A condition is written as a configuration symbol ('CONFIG_FOO'), or an
object with exactly one key: {'all': [COND, ...]}, {'any': [COND, ...]} or
{'not': COND}.  The generated C puts '#if EXPR' / '#endif' around the code
of a conditional item, where a symbol becomes defined(SYMBOL); symbols come
from config-host.h (or the compiler's command line in tests).

An absent condition is IfCond(None): always true, and it generates no
preprocessor lines at all, so unconditional code looks as it always did.
"""

import re

from .error import QAPIError

SYMBOL_RE = re.compile(r'^[A-Z][A-Z0-9_]*$')


class IfCond:
    def __init__(self, tree=None):
        self.tree = tree          # str | ('all'|'any', [tree]) | ('not', tree)

    def is_present(self):
        return self.tree is not None

    def c_expr(self):
        return _c_expr(self.tree, top=True)

    def doc_text(self):
        return _c_expr(self.tree, top=True) if self.tree else ''

    def wrap(self, code):
        """code, guarded by #if/#endif when the condition exists."""
        if self.tree is None or not code:
            return code
        expr = self.c_expr()
        return '#if %s\n%s#endif /* %s */\n' % (expr, code, expr)


def _c_expr(tree, top=False):
    if isinstance(tree, str):
        return 'defined(%s)' % tree
    op, arg = tree
    if op == 'not':
        return '!' + _c_expr(arg)
    joined = (' && ' if op == 'all' else ' || ').join(_c_expr(a)
                                                      for a in arg)
    return joined if top or len(arg) == 1 else '(%s)' % joined


def parse_ifcond(value, info, what):
    """The IfCond for an 'if' value written in what (for messages)."""
    return IfCond(_parse(value, info, what))


def _parse(value, info, what):
    if isinstance(value, str):
        if not SYMBOL_RE.match(value):
            raise QAPIError(info, "%s: 'if' symbol '%s' is not a "
                            "configuration symbol (upper case letters, "
                            "digits and '_')" % (what, value))
        return value
    if not isinstance(value, dict):
        raise QAPIError(info, "%s: 'if' must be a string or an object "
                        "with one key 'all', 'any' or 'not'" % what)
    unknown = [k for k in value if k not in ('all', 'any', 'not')]
    if unknown:
        raise QAPIError(info, "%s: 'if' has unknown operator '%s'"
                        % (what, unknown[0]))
    if len(value) != 1:
        raise QAPIError(info, "%s: 'if' object must have exactly one of "
                        "'all', 'any', 'not'" % what)
    op, arg = next(iter(value.items()))
    if op == 'not':
        return ('not', _parse(arg, info, what))
    if not isinstance(arg, list):
        raise QAPIError(info, "%s: 'if' operator '%s' needs a list"
                        % (what, op))
    if not arg:
        raise QAPIError(info, "%s: 'if' operator '%s' needs at least one "
                        "condition" % (what, op))
    return (op, [_parse(a, info, what) for a in arg])
