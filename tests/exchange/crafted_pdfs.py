"""Hand-built PDFs with exact bytes: the tricks a hostile uploader uses, in files viewers open."""

import zlib

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"
CONTENT = b"BT /F1 12 Tf 20 100 Td (Report) Tj ET"


def _stream(body, extra=b""):
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(body), extra, body)


def pdf(catalog_extra=b"", page=PAGE, extra_objects=(), trailer_extra=b""):
    """A one-page PDF with a classic cross-reference table; objects 5.. are `extra_objects`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        _stream(CONTENT),
        *extra_objects,
    ]
    return _assemble(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", objects, trailer_extra)


def _assemble(head, objects, trailer_extra=b"", first=1):
    out = bytearray(head)
    offsets = []
    for number, body in enumerate(objects, start=first):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def incremental_update(original, number, body):
    """`original` with an appended revision that replaces object `number` (here: the catalog)."""
    previous = int(original.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    size = int(original.split(b"/Size ")[1].split(b" ")[0])
    out = bytearray(original)
    offset = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n%d 1\n%010d 00000 n \n" % (number, offset)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        previous,
        xref,
    )
    return bytes(out)


def pdf_with_object_stream(hidden):
    """A PDF 1.5 whose name dictionary (object 5) is compressed inside an object stream."""
    plain = [
        b"<< /Type /Catalog /Pages 2 0 R /Names 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE,
        _stream(CONTENT),
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(plain, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    header = b"5 0 "
    packed = zlib.compress(header + hidden)
    offsets.append(len(out))  # object 6: the object stream holding object 5
    out += b"6 0 obj\n%s\nendobj\n" % _stream(
        packed, b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode " % len(header)
    )
    xref_offset = len(out)

    def row(kind, field, index):
        return bytes([kind]) + field.to_bytes(4, "big") + bytes([index])

    rows = [row(0, 0, 255)]  # object 0: the head of the free list
    rows += [row(1, offset, 0) for offset in offsets[:4]]  # objects 1-4: plain
    rows.append(row(2, 6, 0))  # object 5: inside object stream 6, at index 0
    rows.append(row(1, offsets[4], 0))  # object 6: the object stream
    rows.append(row(1, xref_offset, 0))  # object 7: this cross-reference stream
    out += b"7 0 obj\n%s\nendobj\n" % _stream(
        b"".join(rows), b"/Type /XRef /Size 8 /W [1 4 1] /Root 1 0 R "
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)
