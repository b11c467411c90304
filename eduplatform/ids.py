"""Numbers from requests, bounded to what the database can hold.

Every table's id is a 32-bit integer on PostgreSQL: a longer number (a 25-digit one typed into a
URL) cannot name a row, and handing it to the driver fails with an OverflowError (a 500). So:

- a path's `<int:...>` value beyond MAX_ID is answered 404 before the view (`install`, an
  app-wide url_value_preprocessor), like any unknown id, on the web and in the API (a bounded
  converter would make the route not match at all, and Werkzeug then answers some of those
  paths 405 from a sibling rule);
- ids from the query string, a form or a JSON body go through `parse_id` (used by the scope
  guard, eduplatform.scope): anything that is not a whole number from 1 to MAX_ID is unknown;
- page numbers go through `page_arg`: a missing or malformed one is the first page, a larger one
  than MAX_PAGE is clamped to it (an empty page, never an error).
"""

from flask import abort, request

MAX_ID = 2**31 - 1  # PostgreSQL's integer
MAX_PAGE = 100_000  # no list has that many pages; keeps OFFSET well within range


def parse_id(raw):
    """The id `raw` names (a str or an int), or None when it is no whole number 1..MAX_ID."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= MAX_ID else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_ids(values):
    """The ids among `values` (a list of strings), malformed and out-of-range ones dropped."""
    found = (parse_id(value) for value in values)
    return [value for value in found if value is not None]


def page_number(raw):
    """A page number from text: 1 when missing or malformed, at most MAX_PAGE."""
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(text), 1), MAX_PAGE)


def page_arg(name="page"):
    """The request's page number (query string `name`), clamped to 1..MAX_PAGE."""
    return page_number(request.args.get(name))


def refuse_out_of_range(endpoint, values):
    """404 before any view when a path's integer is beyond the database's range."""
    if values and any(
        isinstance(v, int) and not isinstance(v, bool) and v > MAX_ID for v in values.values()
    ):
        abort(404)


def install(app):
    """Bound every `<int:...>` path value: a larger one is answered 404 (the API's blueprint
    turns it into its problem document) before the view runs."""
    app.url_value_preprocessor(refuse_out_of_range)
