"""Reading schema files.

The schema language is JSON with three changes: strings use single quotes,
'#' starts a comment that runs to the end of the line, and a file is a
sequence of top-level objects with no commas between them.  A comment block
opened and closed by a line holding only '##' is a documentation comment;
when it starts with '@Name:' it documents the definition that follows.

The parser returns plain Python values; objects are SDict, which remember the
line they were opened on (the checker reports problems with a definition at
the line that opens it).  Syntax errors point at the offending token.
Strings hold printable ASCII only.  doc.py splits documentation comments.
"""

import os

from .doc import QAPIDoc
from .error import QAPIError, SourceInfo


class SDict(dict):
    """A dict that knows where it and each of its keys were written."""

    def __init__(self, info):
        super().__init__()
        self.info = info
        self.key_info = {}


class Parser:
    """Parses one schema file (and, through the caller, its includes)."""

    def __init__(self, fname, text):
        self.fname = fname
        self.src = text
        self.pos = 0
        self.line = 1
        self.tok = None       # one of '{}[]:,', "'" (string), 'b' (bool),
        self.val = None       # 'D' (doc block), None at end of file
        self.tok_line = 1
        self.doc_lines = None

    def info(self, line=None):
        return SourceInfo(self.fname, self.line if line is None else line)

    def error(self, msg, line=None):
        raise QAPIError(self.info(line), msg)

    # --- lexer -----------------------------------------------------------

    def _at_line_start(self, pos):
        return pos == 0 or self.src[pos - 1] == '\n'

    def next_token(self):
        src = self.src
        while True:
            if self.pos >= len(src):
                self.tok = None
                self.tok_line = self.line
                return
            ch = src[self.pos]
            if ch == '\n':
                self.line += 1
                self.pos += 1
                continue
            if ch in ' \t\r':
                self.pos += 1
                continue
            if ch == '#':
                end = src.find('\n', self.pos)
                if end < 0:
                    end = len(src)
                text = src[self.pos:end]
                if text.rstrip() == '##' and self._at_line_start(self.pos):
                    self.tok_line = self.line
                    self._read_doc_block()
                    self.tok = 'D'
                    return
                if text.startswith('##') and self._at_line_start(self.pos):
                    self.error("junk after '##' at start of documentation "
                               "comment")
                self.pos = end
                continue
            self.tok_line = self.line
            if ch in '{}[]:,':
                self.tok = ch
                self.val = None
                self.pos += 1
                return
            if ch == "'":
                self.tok = "'"
                self.val = self._read_string()
                return
            if ch == '"':
                self.error('strings must be written in single quotes')
            for word, value in (('true', True), ('false', False)):
                if src.startswith(word, self.pos):
                    self.tok = 'b'
                    self.val = value
                    self.pos += len(word)
                    return
            end = self.pos
            while end < len(src) and not src[end].isspace() \
                    and src[end] not in '{}[]:,\'#':
                end += 1
            self.error("stray '%s'" % src[self.pos:max(end, self.pos + 1)])

    def _read_string(self):
        src = self.src
        out = []
        pos = self.pos + 1
        while True:
            if pos >= len(src) or src[pos] == '\n':
                self.error('missing terminating "\'"')
            ch = src[pos]
            if ch == "'":
                self.pos = pos + 1
                return ''.join(out)
            if ch == '\\':
                pos += 1
                esc = src[pos] if pos < len(src) else ''
                if esc in ('\\', "'", '"', '/'):
                    out.append(esc)
                elif esc == 'n':
                    out.append('\n')
                else:
                    self.error("unknown escape \\%s" % esc)
            elif ord(ch) < 32 or ord(ch) >= 127:
                # Names and conditions are ASCII; DEL and anything beyond
                # it would only sneak invisible bytes into C and JSON.
                self.error('character %d in string (strings are printable '
                           'ASCII)' % ord(ch))
            else:
                out.append(ch)
            pos += 1

    def _read_doc_block(self):
        """Read from an opening '##' line to the closing one."""
        src = self.src
        start_line = self.line
        lines = []
        self.pos = src.find('\n', self.pos)
        while True:
            if self.pos < 0 or self.pos >= len(src) - 1:
                self.error('documentation comment is not terminated',
                           start_line)
            self.pos += 1
            self.line += 1
            end = src.find('\n', self.pos)
            if end < 0:
                end = len(src)
            text = src[self.pos:end].rstrip()
            stripped = text.lstrip()
            if stripped == '##':
                if text != '##':
                    self.error("'##' closing a documentation comment must "
                               "start the line")
                self.pos = end
                break
            if not stripped.startswith('#'):
                self.error('documentation comment must end with \'##\'')
            if stripped != text:
                self.error("'#' in a documentation comment must start the "
                           "line")
            if text != '#' and not text.startswith('# '):
                self.error("missing space after #")
            lines.append((self.line, text[2:]))
            self.pos = end
        self.doc_lines = (start_line, lines)

    # --- grammar ---------------------------------------------------------

    def parse_value(self):
        tok = self.tok
        if tok == '{':
            return self.parse_object()
        if tok == '[':
            return self.parse_array()
        if tok in ("'", 'b'):
            val = self.val
            self.next_token()
            return val
        if tok == 'D':
            self.error('documentation comment inside a definition',
                       self.tok_line)
        self.error('expected value, got %s' % self._describe(), self.tok_line)

    def _describe(self):
        if self.tok is None:
            return 'end of file'
        if self.tok == "'":
            return "string '%s'" % self.val
        if self.tok == 'b':
            return 'true' if self.val else 'false'
        return "'%s'" % self.tok

    def parse_object(self):
        obj = SDict(self.info(self.tok_line))
        self.next_token()
        if self.tok == '}':
            self.next_token()
            return obj
        while True:
            if self.tok != "'":
                self.error('expected string key, got %s' % self._describe(),
                           self.tok_line)
            key = self.val
            key_line = self.tok_line
            if key in obj:
                self.error("duplicate key '%s'" % key, key_line)
            self.next_token()
            if self.tok != ':':
                self.error("expected ':', got %s" % self._describe(),
                           self.tok_line)
            self.next_token()
            obj[key] = self.parse_value()
            obj.key_info[key] = self.info(key_line)
            if self.tok == '}':
                self.next_token()
                return obj
            if self.tok != ',':
                self.error("expected ',' or '}', got %s" % self._describe(),
                           self.tok_line)
            self.next_token()

    def parse_array(self):
        arr = []
        self.next_token()
        if self.tok == ']':
            self.next_token()
            return arr
        while True:
            arr.append(self.parse_value())
            if self.tok == ']':
                self.next_token()
                return arr
            if self.tok != ',':
                self.error("expected ',' or ']', got %s" % self._describe(),
                           self.tok_line)
            self.next_token()

    def parse_file(self):
        """Return a list of (expression, doc) pairs; doc may be None.

        Free-form doc blocks come back as (None, doc).
        """
        out = []
        self.next_token()
        pending = None
        while self.tok is not None:
            if self.tok == 'D':
                if pending is not None and pending.symbol is not None:
                    raise QAPIError(pending.info,
                                    "documentation for '%s' is not followed "
                                    "by the definition" % pending.symbol)
                if pending is not None:
                    out.append((None, pending))
                start, lines = self.doc_lines
                pending = QAPIDoc(self.info(start), lines)
                self.next_token()
                continue
            if self.tok != '{':
                self.error('expected a top-level object, got %s'
                           % self._describe(), self.tok_line)
            expr = self.parse_object()
            # A block right before an expression belongs to it, even a
            # free-form one: the checker decides whether that is allowed.
            out.append((expr, pending))
            pending = None
        if pending is not None:
            if pending.symbol is not None:
                raise QAPIError(pending.info,
                                "documentation for '%s' is not followed by "
                                "the definition" % pending.symbol)
            out.append((None, pending))
        return out


def parse_schema(fname):
    """Parse fname and its includes, in order, each file once.

    Returns (expressions, pragmas) where each expression is (expr, doc) with
    expr.info giving its position.  Include directives are resolved here.
    """
    exprs = []
    seen = set()

    def load(path, incl_info, stack):
        real = os.path.realpath(path)
        if real in stack:
            raise QAPIError(incl_info, "inclusion loop for %s"
                            % os.path.basename(path))
        if real in seen:
            return
        seen.add(real)
        try:
            with open(path, encoding='utf-8') as f:
                text = f.read()
        except OSError as e:
            if incl_info is None:
                raise QAPIError(None, "can't read schema file '%s': %s"
                                % (path, e.strerror))
            raise QAPIError(incl_info, "can't read include file '%s': %s"
                            % (os.path.basename(path), e.strerror))
        parser = Parser(os.path.normpath(path), text)
        for expr, doc in parser.parse_file():
            if expr is not None and 'include' in expr:
                if doc is not None and doc.symbol is not None:
                    raise QAPIError(doc.info, "documentation for '%s' is "
                                    "not followed by the definition (an "
                                    "include is in between)" % doc.symbol)
                if doc is not None:
                    exprs.append((None, doc))
                if len(expr) != 1:
                    raise QAPIError(expr.info, "invalid 'include' directive")
                inc = expr['include']
                if not isinstance(inc, str):
                    raise QAPIError(expr.info,
                                    "value of 'include' must be a string")
                load(os.path.join(os.path.dirname(path), inc), expr.info,
                     stack + [real])
                continue
            exprs.append((expr, doc))

    load(fname, None, [])
    return exprs
