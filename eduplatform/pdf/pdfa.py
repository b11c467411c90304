"""Turn a ReportLab PDF into a PDF/A-3b document, optionally carrying files (e.g. a credential).

ReportLab draws the page; this adds what PDF/A-3 (ISO 19005-3) asks of an archival file:
XMP metadata that says `pdfaid:part 3` and repeats the document information, an sRGB output
intent (a profile that LittleCMS builds through Pillow: no profile file and no licence to
ship), a file identifier, and for each carried file an embedded file stream with its MIME type
and date, a file specification with `AFRelationship`, listed in the catalogue's `AF` array and
in the EmbeddedFiles name tree. Fonts are already embedded (eduplatform.pdf.fonts).
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from PIL import ImageCms
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

PRODUCER = "eduplatform (ReportLab, pypdf)"
SRGB = "sRGB IEC61966-2.1"


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the PDF; `relationship` is PDF/A-3's AFRelationship."""

    name: str
    data: bytes
    mime_type: str
    description: str
    relationship: str = "Data"  # Source | Data | Alternative | Supplement | Unspecified


def _pdf_date(moment):
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp_date(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _xmp(*, title, author, subject, language, moment):
    date = _xmp_date(moment)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>eduplatform</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{PRODUCER}</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()  # noqa: E501


def srgb_profile():
    """An ICC sRGB profile made by LittleCMS (its own words: 'No copyright, use freely')."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _stream(writer, data, compress=True, **entries):
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = value
    if compress:
        stream = stream.flate_encode()
    return writer._add_object(stream)


def _output_intent(writer):
    profile = _stream(writer, srgb_profile(), N=NumberObject(3))
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(SRGB),
            NameObject("/Info"): TextStringObject(SRGB),
            NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
            NameObject("/DestOutputProfile"): profile,
        }
    )


def _file_spec(writer, attachment, moment):
    params = DictionaryObject(
        {
            NameObject("/ModDate"): TextStringObject(_pdf_date(moment)),
            NameObject("/Size"): NumberObject(len(attachment.data)),
            NameObject("/CheckSum"): ByteStringObject(hashlib.md5(attachment.data).digest()),  # noqa: S324 (PDF's own checksum field)
        }
    )
    embedded = _stream(
        writer,
        attachment.data,
        Type=NameObject("/EmbeddedFile"),
        Subtype=NameObject("/" + attachment.mime_type),  # written as /application#2Fjson
        Params=params,
    )
    name = TextStringObject(attachment.name)
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): name,
                NameObject("/UF"): name,
                NameObject("/Desc"): TextStringObject(attachment.description),
                NameObject("/AFRelationship"): NameObject("/" + attachment.relationship),
                NameObject("/EF"): DictionaryObject(
                    {NameObject("/F"): embedded, NameObject("/UF"): embedded}
                ),
            }
        )
    )


def archival(pdf, *, title, author, subject, language, attachments=(), moment=None):
    """The PDF/A-3b form of `pdf` (bytes from ReportLab with embedded fonts), as bytes."""
    moment = moment or datetime.now(UTC)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.pdf_header = b"%PDF-1.7"
    root = writer.root_object
    root[NameObject("/Metadata")] = _stream(
        writer,
        _xmp(title=title, author=author, subject=subject, language=language, moment=moment),
        compress=False,
        Type=NameObject("/Metadata"),
        Subtype=NameObject("/XML"),
    )
    root[NameObject("/OutputIntents")] = ArrayObject([_output_intent(writer)])
    root[NameObject("/Lang")] = TextStringObject(language)
    specs = [_file_spec(writer, attachment, moment) for attachment in attachments]
    if specs:
        root[NameObject("/AF")] = ArrayObject(specs)
        names = ArrayObject()
        for attachment, spec in sorted(
            zip(attachments, specs, strict=True), key=lambda p: p[0].name
        ):
            names.extend([TextStringObject(attachment.name), spec])
        root[NameObject("/Names")] = DictionaryObject(
            {NameObject("/EmbeddedFiles"): DictionaryObject({NameObject("/Names"): names})}
        )
    writer._info = DictionaryObject(
        {
            NameObject("/Title"): TextStringObject(title),
            NameObject("/Author"): TextStringObject(author),
            NameObject("/Subject"): TextStringObject(subject),
            NameObject("/Creator"): TextStringObject("eduplatform"),
            NameObject("/Producer"): TextStringObject(PRODUCER),
            NameObject("/CreationDate"): TextStringObject(_pdf_date(moment)),
            NameObject("/ModDate"): TextStringObject(_pdf_date(moment)),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
