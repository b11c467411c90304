"""Uploaded PDFs, read with a real parser: no active content anywhere, rewritten before storing.

A PDF is parsed with pypdf, so names are compared after the parser has decoded them
(`/JavaScrip#74` is `/JavaScript`), and every object is inspected: those reachable from the
trailer and every other object the cross-reference tables list (an unreferenced object or an
incremental update is where a filter that follows only the page tree would look away). The
stored copy is the parser's own rewrite of what it checked, so a viewer that reads the file
differently (a second cross-reference table, bytes after `%%EOF`) never sees anything else.
"""

import io
import logging
import warnings

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

from eduplatform.errors import Invalid

# Actions that run code, open other files or programs, or play media; files hidden inside;
# forms that run scripts (XFA) or send data away.
ACTIVE_NAMES = frozenset(
    name.lower()
    for name in (
        "JavaScript",
        "JS",
        "Launch",
        "OpenAction",
        "AA",
        "EmbeddedFile",
        "EmbeddedFiles",
        "FileAttachment",
        "RichMedia",
        "RichMediaExecute",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToR",
        "GoToE",
        "Rendition",
        "Movie",
        "Sound",
    )
)
# Where an action type may be given as a string by a lenient writer.
TYPE_KEYS = {"/S", "/Subtype", "/Type"}
MAX_OBJECTS = 200_000  # a 15 MB PDF with more objects than this is not a report


class _Refused(Exception):
    pass


def _is_active(name):
    return str(name).lstrip("/").lower() in ACTIVE_NAMES


def _walk(reader, roots):
    """Raise _Refused at the first active name in the graph reachable from `roots`."""
    seen = set()
    pending = list(roots)
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_OBJECTS:
                raise _Refused("too many objects")
            pending.append(reader.get_object(item))
        elif isinstance(item, DictionaryObject):  # streams included: their dictionary
            for key, value in item.items():
                if _is_active(key):
                    raise _Refused(key)
                if key in TYPE_KEYS and isinstance(value, TextStringObject) and _is_active(value):
                    raise _Refused(value)
                pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(item)
        elif isinstance(item, NameObject) and _is_active(item):
            raise _Refused(item)


def _listed_objects(reader):
    """Every object the cross-reference tables and streams list, used or not."""
    refs = []
    for generation, table in reader.xref.items():
        refs.extend(IndirectObject(number, generation, reader) for number in table)
    refs.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    return refs


def _inspect(data):
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise Invalid.field(
            "attachment", _l("This PDF is protected by a password; upload it without one.")
        )
    _walk(reader, [reader.trailer, *_listed_objects(reader)])
    if len(reader.pages) == 0:
        raise ValueError("no pages")
    return reader


def clean_pdf(data, field="attachment"):
    """A PDF without active content, as pypdf rewrote it; Invalid for anything else."""
    if not data.startswith(b"%PDF-"):
        raise Invalid.field(field, _l("Upload a PDF document or an image."))
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # a damaged file is refused below, not logged line by line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = _inspect(data)
            out = io.BytesIO()
            PdfWriter(clone_from=reader).write(out)
            rewritten = out.getvalue()
            _inspect(rewritten)  # what is stored is what was checked
    except _Refused:
        raise Invalid.field(
            field, _l("This PDF contains active content and was refused.")
        ) from None
    except Invalid as refused:
        raise Invalid.field(field, refused.errors[0]["message"]) from None
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError,
            RecursionError, OSError, AssertionError, ZeroDivisionError):  # fmt: skip
        raise Invalid.field(field, _l("This PDF could not be read; it may be damaged.")) from None
    finally:
        quiet.setLevel(level)
    return rewritten, "application/pdf"
