"""The statements a block of a test sends to the app's database, for tests that count reads."""

import re
from contextlib import contextmanager

from sqlalchemy import event

from eduplatform.db import get_engine


class Recorded(list):
    """(statement on one line, parameters) of each statement sent, in order."""

    def selects(self, table=None):
        """The SELECT statements; with `table`, those reading it as their first table (an
        alias of it, in a subquery, does not count)."""
        found = [s for s, _p in self if s.startswith("SELECT")]
        if table is None:
            return found
        reads = re.compile(rf'FROM "?{table}"? (WHERE|JOIN|ORDER|LIMIT)|FROM "?{table}"?$')
        return [s for s in found if reads.search(s)]


@contextmanager
def recorded(app):
    """with recorded(app) as seen: ... ; `seen` holds what the block sent."""
    seen = Recorded()

    def remember(_conn, _cursor, statement, parameters, *_args):
        seen.append((" ".join(statement.split()), parameters))

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)
