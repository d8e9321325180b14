"""Source positions and the one error type the compiler raises.

Every complaint about a schema names the file and line it concerns, in the
form ``file:line: message``, so editors and the test runner can match it.
"""


class SourceInfo:
    """Where something was written: a file name and a 1-based line."""

    def __init__(self, fname, line):
        self.fname = fname
        self.line = line

    def at(self, line):
        return SourceInfo(self.fname, line)

    def __str__(self):
        return '%s:%d' % (self.fname, self.line)


class QAPIError(Exception):
    def __init__(self, info, msg):
        super().__init__(msg)
        self.info = info
        self.msg = msg

    def __str__(self):
        if self.info is None:
            return self.msg
        return '%s: %s' % (self.info, self.msg)
