"""The certificate PDF as viewers built on poppler show it (every font embedded, real glyphs
drawn, not missing-glyph boxes), and as an archive reads it: PDF/A-3 with its credential inside."""

import io
import json
import re
import xml.etree.ElementTree as ET

import jwt
import pytest
from PIL import Image, ImageChops, ImageCms
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from eduplatform.pdf import fonts
from tests import poppler
from tests.training.test_certificates import JWT_CLAIMS, certified  # noqa: F401

TITLES = {"zh": "能力证书", "id": "Sertifikat kompetensi", "en": "Certificate of competence"}
TITLE_BASELINE = 100  # points below the page's top edge (eduplatform/training/pdf.py)
TITLE_SIZE = 30
DPI = 72  # one pixel per point
NO_GLYPH = "\ue000"  # a private-use character: no font has it, viewers draw the .notdef box
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


@pytest.fixture
def certificate_pdf(client, login, training, certified):  # noqa: F811
    """certificate_pdf(lang) -> the PDF bytes the holder downloads in that language."""
    login(training.student)

    def download(lang):
        response = client.get(f"/certificates/{certified.code}/pdf?lang={lang}")
        assert response.status_code == 200
        return response.data

    return download


def _render_title_band(path):
    """The band of the page where the title stands, rendered by poppler, as a 1-bit image."""
    top = TITLE_BASELINE - TITLE_SIZE
    poppler.run(
        "pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile",
        "-x", "40", "-y", str(top), "-W", str(int(landscape(A4)[0]) - 80),
        "-H", str(TITLE_SIZE + 12), str(path), str(path.with_suffix("")),
    )  # fmt: skip
    with Image.open(path.with_suffix(".png")) as image:
        return image.point(lambda v: 255 if v < 160 else 0).convert("1")


def _boxes_pdf(path, text, bold=True):
    """A page with one missing-glyph box in place of each character of `text`, where the
    certificate puts its title, in the font the certificate uses for those characters."""
    fonts.register()
    width, height = landscape(A4)
    pdf = canvas.Canvas(str(path), pagesize=(width, height), initialFontName=fonts.REGULAR)
    x = (width - fonts.width(text, TITLE_SIZE, bold)) / 2
    for font, part in fonts.runs(text, bold):
        pdf.setFont(font, TITLE_SIZE)
        for char in part:
            if not char.isspace():
                pdf.drawString(x, height - TITLE_BASELINE, NO_GLYPH)
            x += pdf.stringWidth(char, font, TITLE_SIZE)
    pdf.showPage()
    pdf.save()


def _ink(image):
    return sum(image.convert("L").histogram()[255:])


@pytest.mark.parametrize("lang", ["zh", "id", "en"])
def test_poppler_draws_the_title_glyphs_and_reports_every_font_embedded(
    certificate_pdf, tmp_path, lang
):
    document = tmp_path / f"certificate-{lang}.pdf"
    document.write_bytes(certificate_pdf(lang))

    rows = poppler.run("pdffonts", str(document)).splitlines()[2:]
    assert rows, "the certificate uses fonts"
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
    names = " ".join(row.split()[0] for row in rows)
    assert "NotoSans-Bold" in names
    if lang == "zh":
        assert "NotoSansCJKsc-Bold" in names
    assert "Helvetica" not in names and "STSong" not in names

    drawn = _render_title_band(document)
    boxes_pdf = tmp_path / f"boxes-{lang}.pdf"
    _boxes_pdf(boxes_pdf, TITLES[lang])
    boxes = _render_title_band(boxes_pdf)
    assert _ink(boxes) > 100  # the reference shows its boxes: the comparison means something
    assert _ink(drawn) > 100
    # Glyphs and boxes differ in most of the pixels either one inks.
    differing = _ink(ImageChops.logical_xor(drawn, boxes))
    union = _ink(ImageChops.logical_or(drawn, boxes))
    assert differing / union > 0.5, (lang, differing, union)
    assert TITLES[lang] in poppler.run("pdftotext", "-layout", str(document), "-")


def test_a_box_reference_matches_itself_so_the_check_can_fail(tmp_path):
    """The comparison above tells boxes from glyphs: boxes against boxes differ in nothing."""
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    _boxes_pdf(first, TITLES["zh"])
    _boxes_pdf(second, TITLES["zh"])
    assert _ink(ImageChops.logical_xor(_render_title_band(first), _render_title_band(second))) == 0


def _xmp(reader):
    root = ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    return lambda path: root.find(path, NS)


def _pdf_date_as_xmp(value):
    match = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\+00'00'", value)
    year, month, day, hour, minute, second = match.groups()
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}+00:00"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_certificate_is_pdf_a_3_with_metadata_output_intent_and_embedded_fonts(
    certificate_pdf, lang
):
    reader = PdfReader(io.BytesIO(certificate_pdf(lang)))
    assert reader.pdf_header == "%PDF-1.7"
    assert not reader.is_encrypted and len(reader.trailer["/ID"]) == 2
    find = _xmp(reader)
    assert find(".//pdfaid:part").text == "3"
    assert find(".//pdfaid:conformance").text == "B"
    info = reader.metadata
    assert find(".//dc:title/rdf:Alt/rdf:li").text == info["/Title"]
    assert find(".//dc:creator/rdf:Seq/rdf:li").text == info["/Author"]
    assert find(".//dc:description/rdf:Alt/rdf:li").text == info["/Subject"]
    assert find(".//pdf:Producer").text == info["/Producer"]
    assert find(".//xmp:CreatorTool").text == info["/Creator"]
    assert find(".//xmp:CreateDate").text == _pdf_date_as_xmp(info["/CreationDate"])
    assert find(".//xmp:ModifyDate").text == _pdf_date_as_xmp(info["/ModDate"])
    assert find(".//dc:language/rdf:Bag/rdf:li").text == lang
    root = reader.trailer["/Root"]
    assert "/Filter" not in root["/Metadata"].get_object()  # readable without decoding
    (intent,) = root["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    icc = intent["/DestOutputProfile"].get_object()
    assert icc["/N"] == 3
    profile = ImageCms.ImageCmsProfile(io.BytesIO(icc.get_data()))
    assert profile.profile.xcolor_space == "RGB " and "sRGB" in profile.profile.profile_description
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # the TrueType program is in the file


def test_certificate_carries_its_credential_as_associated_files(client, certificate_pdf):
    reader = PdfReader(io.BytesIO(certificate_pdf("en")))
    root = reader.trailer["/Root"]
    specs = {spec.get_object()["/F"]: spec.get_object() for spec in root["/AF"]}
    listed = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert sorted(listed[0::2]) == sorted(specs)
    by_type = {}
    for name, spec in specs.items():
        assert spec["/UF"] == name and spec["/Desc"]
        stream = spec["/EF"]["/F"].get_object()
        assert stream["/Type"] == "/EmbeddedFile" and "/ModDate" in stream["/Params"]
        by_type[stream["/Subtype"]] = (spec["/AFRelationship"], stream.get_data())
    relationship, data = by_type["/application/json"]
    assert relationship == "/Data"
    credential = json.loads(data)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    relationship, token = by_type["/application/vc+jwt"]
    assert relationship == "/Alternative"
    keys = jwt.PyJWKSet.from_dict(client.get("/.well-known/jwks.json").get_json())
    kid = jwt.get_unverified_header(token)["kid"]
    claims = jwt.decode(token, keys[kid], algorithms=["RS256"])
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"  # signed itself
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    assert {k: v for k, v in claims.items() if k not in JWT_CLAIMS} == unsigned
    assert reader.attachments.keys() == specs.keys()  # what a PDF library lists


def test_the_pdf_names_the_university_in_its_language_as_the_web_page_does(
    certificate_pdf, session, training, tmp_path
):
    """An organization's name in the certificate's language where it has one (the university's
    Chinese name on a Chinese certificate), else its official name, as on the verify page."""
    university = session.merge(training.university)
    university.name_translations = {"zh": "西安合作汽车大学"}
    session.add(university)
    session.commit()
    shown = {}
    for lang in ("zh", "en"):
        document = tmp_path / f"certificate-{lang}.pdf"
        document.write_bytes(certificate_pdf(lang))
        shown[lang] = poppler.run("pdftotext", "-layout", str(document), "-")
    assert "西安合作汽车大学" in shown["zh"] and "Xi'an Partner" not in shown["zh"]
    assert "Xi'an Partner Automotive University" in shown["en"]
