"""Documentation comments: splitting a '##' block into its parts and the
layout rules a block must follow.

A block whose first line is '@NAME:' documents the definition NAME that
follows it; any other block is free-form text (headings, prose).  A
definition's block is laid out in this order, each part optional:

    body            free text describing the definition
    @member: text   one description per member / value / branch
    Features:       a line of its own, then one '@feature: text' each
    Tag: text       tagged sections (Returns, Errors, Since, Note(s),
                    Example(s), TODO)

Rules (each a QAPIError at the offending line):
  - parts come in that order: no '@member:' after 'Features:' or after a
    tagged section, no 'Features:' after a tagged section;
  - Returns, Errors, Since and Features appear at most once;
  - a tagged section or 'Features:' must not be empty;
  - after the body, a line of the form 'Word:' must be a known tag;
  - the second and later lines of a description or tagged section are
    indented by at least four spaces.  After a blank line, an unindented
    paragraph ends the section and starts free text about the definition,
    which, like a tagged section, no '@member:' may follow.
Whether the described members and features exist is the schema checker's
business (schema.py), because only it knows the definition.
"""

import re

from .error import QAPIError

TAGS = ('Returns', 'Errors', 'Since', 'Note', 'Notes', 'Example',
        'Examples', 'TODO')
UNIQUE_TAGS = ('Returns', 'Errors', 'Since')
SECTION_RE = re.compile(r'^([A-Z][A-Za-z]*):(?: (.*))?$')
INDENT = 4


def _describe(tag):
    return "'%s:' section" % tag if tag else 'text after the descriptions'


class DocSection:
    def __init__(self, name, info):
        self.name = name          # None for body text
        self.info = info
        self.text = ''

    def append(self, line):
        self.text += line + '\n'


class QAPIDoc:
    """A documentation comment block, split into its parts.

    symbol is the name after '@' on the first line for a definition's
    documentation, None for free-form text.  args maps each '@member:' to
    its section; features likewise for the entries below 'Features:';
    sections lists the tagged sections in order.
    """

    def __init__(self, info, lines):
        self.info = info
        self.symbol = None
        self.body = DocSection(None, info)
        self.args = {}
        self.features = {}
        self.sections = []
        self.features_info = None
        self._parse(lines)

    def section(self, tag):
        return [s for s in self.sections if s.name == tag]

    def _parse(self, lines):
        if lines and lines[0][1].startswith('@'):
            lineno, text = lines[0]
            info = self.info.at(lineno)
            if not text.endswith(':') or ' ' in text or len(text) < 3:
                raise QAPIError(info, "line '%s' should be '@NAME:' and "
                                "nothing else" % text)
            self.symbol = text[1:-1]
            lines = lines[1:]
        if self.symbol is None:
            for _, text in lines:
                self.body.append(text)
            return
        self._parse_definition(lines)

    def _parse_definition(self, lines):
        cur = self.body
        state = 'body'            # -> 'args' -> 'features' -> 'tagged'
        last_tag = None
        blank = True
        for lineno, text in lines:
            info = self.info.at(lineno)
            if not text.strip():
                blank = True
                cur.append('')
                continue
            at_start = blank
            blank = False
            indent = len(text) - len(text.lstrip(' '))
            m = re.match(r'^@([^:\s]*):(?:\s(.*))?$', text)
            if m:
                name = m.group(1)
                if not name:
                    raise QAPIError(info, "'@:' names nothing")
                if state == 'tagged':
                    raise QAPIError(info, "'@%s:' can't follow %s"
                                    % (name, _describe(last_tag)))
                table = self.features if state == 'features' else self.args
                if name in table:
                    raise QAPIError(info, "'@%s:' is documented twice"
                                    % name)
                if state == 'body':
                    state = 'args'
                cur = DocSection(name, info)
                table[name] = cur
                cur.append((m.group(2) or '').strip())
                continue
            m = SECTION_RE.match(text)
            if m and (at_start or state != 'body'):
                tag = m.group(1)
                if tag == 'Features':
                    if m.group(2):
                        raise QAPIError(info, "'Features:' must be a line "
                                        "of its own")
                    if self.features_info is not None:
                        raise QAPIError(info, "duplicated 'Features:' "
                                        "section")
                    if state == 'tagged':
                        raise QAPIError(info, "'Features:' can't follow %s"
                                        % _describe(last_tag))
                    self._end_section(cur, state)
                    self.features_info = info
                    state = 'features'
                    cur = DocSection('Features', info)
                    continue
                if tag in TAGS:
                    if tag in UNIQUE_TAGS and self.section(tag):
                        raise QAPIError(info, "duplicated '%s:' section"
                                        % tag)
                    self._end_section(cur, state)
                    state = 'tagged'
                    last_tag = tag
                    cur = DocSection(tag, info)
                    self.sections.append(cur)
                    cur.append((m.group(2) or '').strip())
                    continue
                if state != 'body':
                    raise QAPIError(info, "unknown section '%s:' (known: "
                                    "Features, %s)" % (tag, ', '.join(TAGS)))
            if cur is self.body:
                cur.append(text)
                continue
            if indent == 0 and at_start and cur.name != 'Features':
                # An unindented paragraph after the descriptions or a
                # tagged section: further text about the definition.
                self._end_section(cur, state)
                state = 'tagged'
                last_tag = None
                cur = DocSection('', info)
                self.sections.append(cur)
                cur.append(text)
                continue
            if cur.name == '':
                cur.append(text)
                continue
            if indent < INDENT:
                raise QAPIError(info, "unexpected de-indent (expected at "
                                "least %d spaces)" % INDENT)
            cur.append(text[INDENT:])
        self._end_section(cur, state)

    def _end_section(self, cur, state):
        if cur.name == 'Features' and not self.features:
            raise QAPIError(cur.info, "'Features:' section lists no "
                            "features")
        if cur.name in TAGS and not cur.text.strip():
            raise QAPIError(cur.info, "text required after '%s:'"
                            % cur.name)
