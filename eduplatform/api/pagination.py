"""Keyset pagination: an opaque cursor holds the last item's (sort key, id); never offsets.

Lists answer `{"items": [...], "next": cursor-or-null}` and a `Link: <...>; rel="next"` header.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel, create_model
from sqlmodel import and_, or_

from eduplatform.api.problems import ApiProblem
from eduplatform.ids import parse_id
from eduplatform.urls import public_url


class PageBase(BaseModel):
    next: str | None = None


def page_of(item):
    """The response model of a page of `item`s, named like "CompletionPage"."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(name, __base__=PageBase, items=(list[item], ...))


def encode_cursor(*values):
    text = json.dumps([_plain(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def decode_cursor(raw, size=2):
    """The values of a cursor, or a 422 naming `cursor` when it was not made by us."""
    if not raw:
        return None
    try:
        padded = raw + "=" * (-len(raw) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, UnicodeError, ValueError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise invalid_cursor()
    return values


def invalid_cursor():
    return ApiProblem(422, errors=[{"field": "cursor", "message": _("This cursor is not valid.")}])


def _text(value):
    """A text sort key from a cursor (anything else was not made by us)."""
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def parse_datetime(value):
    return datetime.fromisoformat(value)


def parse_date(value):
    return date.fromisoformat(value)


@dataclass
class Keyset:
    """Order by (column, id_column), both ascending or both descending, and resume after a key."""

    column: Any
    id_column: Any
    descending: bool = False
    parse: Callable = lambda value: _text(value)

    def ordered(self, query):
        columns = (self.column, self.id_column)
        return query.order_by(*(c.desc() if self.descending else c.asc() for c in columns))

    def after(self, query, cursor):
        values = decode_cursor(cursor)
        if values is None:
            return query
        try:
            value, last_id = self.parse(values[0]), parse_id(values[1])
        except (TypeError, ValueError):
            raise invalid_cursor() from None
        if last_id is None:  # not an id the database can hold (a forged cursor)
            raise invalid_cursor()
        if self.descending:
            beyond = or_(self.column < value, and_(self.column == value, self.id_column < last_id))
        else:
            beyond = or_(self.column > value, and_(self.column == value, self.id_column > last_id))
        return query.where(beyond)


def fetch_page(session, query, keyset, params, key):
    """(rows of one page, next cursor or None); `key(row)` gives the row's (sort value, id)."""
    query = keyset.ordered(keyset.after(query, params.cursor))
    rows = session.exec(query.limit(params.limit + 1)).all()
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return rows, (encode_cursor(*key(rows[-1])) if more and rows else None)


def page_list(items, params, key, size=2):
    """The same over a short list held in memory, sorted by `key(item)`, a tuple of `size`."""
    items = sorted(items, key=key)
    values = decode_cursor(params.cursor, size)
    if values is not None:
        last = tuple(values)
        try:
            items = [item for item in items if tuple(_plain(v) for v in key(item)) > last]
        except TypeError:
            raise invalid_cursor() from None
    more = len(items) > params.limit
    items = items[: params.limit]
    return items, (encode_cursor(*key(items[-1])) if more and items else None)


def next_url(cursor, external=True):
    """This request's URL with `cursor` set: the page after this one (absolute: on the public
    base URL, never on the request's Host header)."""
    args = {**request.args.to_dict(), "cursor": cursor, **(request.view_args or {})}
    if external:
        return public_url(request.endpoint, **args)
    return url_for(request.endpoint, **args)


def next_link(cursor):
    """The `Link` header value pointing at the page after this one."""
    return f'<{next_url(cursor)}>; rel="next"'
