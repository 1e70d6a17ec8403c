import codecs
import hashlib
import io
import random
import warnings
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from awards import uploads
from awards.uploads import CheckedUpload, check_upload

MB = 1024 * 1024
LIMIT = 10 * MB

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="urn:x"/>'
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(
    pillow_format: str, size: tuple[int, int] = (20, 10), mode: str = "RGB", noise: bool = False
) -> bytes:
    image = Image.new(mode, size, color=0)
    if noise:
        # Random pixels do not compress, which makes the file span several upload chunks.
        rng = random.Random(4)
        image.frombytes(rng.randbytes(size[0] * size[1] * len(mode)))
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            # OpenDocument wants its mimetype member uncompressed.
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def ooxml_bytes(folder: str, *extra: str) -> bytes:
    members = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>"}
    members[f"{folder}/document.xml"] = b"<document>Entry</document>"
    members.update(dict.fromkeys(extra, b"\x00macro"))
    return zip_bytes(members)


def odf_bytes(mimetype: str, *extra: str) -> bytes:
    members = {"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"}
    members["META-INF/manifest.xml"] = b"<manifest:manifest/>"
    members.update(dict.fromkeys(extra, b"Sub Main\nEnd Sub"))
    return zip_bytes(members)


def refusal(name: str, content: bytes, max_bytes: int = LIMIT) -> list[str]:
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        check_upload(upload, max_bytes=max_bytes)
    assert upload.tell() == 0
    return error.value.messages


def accepted_type(name: str, content: bytes) -> str:
    return check_upload(SimpleUploadedFile(name, content), max_bytes=LIMIT).content_type


def test_pdf_accepted_with_size_and_hash():
    content = pdf_bytes()
    upload = SimpleUploadedFile("entry.pdf", content)

    checked = check_upload(upload, max_bytes=LIMIT)

    assert checked == CheckedUpload(
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    assert upload.tell() == 0
    assert upload.read() == content


def test_pdf_written_by_hand_accepted():
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )

    assert accepted_type("entry.pdf", content) == "application/pdf"


def test_pdf_uppercase_extension_accepted():
    assert accepted_type("ENTRY.PDF", pdf_bytes()) == "application/pdf"


def test_large_image_hash_covers_every_chunk():
    content = image_bytes("PNG", size=(300, 300), noise=True)
    upload = SimpleUploadedFile("photo.png", content)
    assert len(content) > 3 * upload.DEFAULT_CHUNK_SIZE

    checked = check_upload(upload, max_bytes=LIMIT)

    assert (checked.size, checked.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert upload.tell() == 0


def test_file_position_reset_after_partial_read():
    upload = SimpleUploadedFile("entry.pdf", pdf_bytes())
    upload.read(10)

    checked = check_upload(upload, max_bytes=LIMIT)

    assert checked.size == upload.size
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("name", "pillow_format", "content_type"),
    [
        ("photo.png", "PNG", "image/png"),
        ("photo.jpg", "JPEG", "image/jpeg"),
        ("photo.jpeg", "JPEG", "image/jpeg"),
        ("Photo.JPG", "JPEG", "image/jpeg"),
        ("animation.gif", "GIF", "image/gif"),
        ("photo.webp", "WEBP", "image/webp"),
    ],
)
def test_image_accepted(name, pillow_format, content_type):
    assert accepted_type(name, image_bytes(pillow_format)) == content_type


def test_image_at_pixel_limit_accepted():
    content = image_bytes("PNG", size=(8000, 5000), mode="1")

    assert accepted_type("poster.png", content) == "image/png"


@pytest.mark.parametrize(
    ("name", "folder", "content_type"),
    [("entry.docx", "word", DOCX), ("budget.xlsx", "xl", XLSX), ("pitch.pptx", "ppt", PPTX)],
)
def test_office_open_xml_accepted(name, folder, content_type):
    assert accepted_type(name, ooxml_bytes(folder)) == content_type


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("entry.odt", ODT), ("budget.ods", ODS), ("pitch.odp", ODP)],
)
def test_opendocument_accepted(name, content_type):
    assert accepted_type(name, odf_bytes(content_type)) == content_type


def test_file_at_size_limit_accepted():
    content = pdf_bytes()

    checked = check_upload(SimpleUploadedFile("entry.pdf", content), max_bytes=len(content))

    assert checked.size == len(content)


def test_empty_file_refused():
    assert refusal("entry.pdf", b"") == [
        "The file “entry.pdf” is empty. Choose the right file and upload it again."
    ]


@pytest.mark.parametrize(
    ("max_bytes", "shown"),
    [(10 * MB, "10"), (MB, "1"), (int(2.5 * MB), "2.5"), (int(0.25 * MB), "0.25")],
)
def test_file_over_size_limit_refused(max_bytes, shown):
    content = b"%PDF-1.7\n" + b"0" * max_bytes + b"\n%%EOF\n"

    assert refusal("entry.pdf", content, max_bytes=max_bytes) == [
        f"The file “entry.pdf” is larger than the {shown} MB limit. Reduce its size, for "
        "example by compressing the images in it, and upload it again."
    ]


def test_file_larger_than_announced_refused():
    upload = SimpleUploadedFile("entry.pdf", b"%PDF-1.7\n" + bytes(MB) + b"%%EOF")
    upload.size = 10

    with pytest.raises(ValidationError) as error:
        check_upload(upload, max_bytes=MB)

    assert error.value.messages == [
        "The file “entry.pdf” is larger than the 1 MB limit. Reduce its size, for example by "
        "compressing the images in it, and upload it again."
    ]
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("entry.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00This program cannot be run in DOS"),
        ("entry.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(56)),
        ("photo.png", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(24)),
        ("entry.docx", b"#!/bin/sh\nrm -rf ~\n"),
    ],
)
def test_executable_disguised_refused(name, content):
    assert refusal(name, content) == [
        f"The content of “{name}” does not match its name: it is a program, and programs are "
        "not accepted. Upload the document itself, for example as PDF."
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", SVG_WITH_SCRIPT),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'),
        ("logo.pdf", b"\xef\xbb\xbf\n  <!-- drawn by hand -->\n<SVG onload='alert(1)'/>"),
        ("logo.jpg", "<svg><script>alert(1)</script></svg>".encode("utf-16")),
        ("logo.gif", codecs.BOM_UTF16_BE + "\n<svg/>".encode("utf-16-be")),
    ],
)
def test_svg_refused_whatever_its_name(name, content):
    assert refusal(name, content) == [
        f"The file “{name}” is an SVG image. SVG images can contain scripts, so they are not "
        "accepted. Export it as PNG or JPEG and upload that instead."
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"\xef\xbb\xbf \r\n\t<HTML><body>Entry</body></HTML>",
        b"<!doctype HTML>\n<svg></svg>",
    ],
)
def test_html_named_pdf_refused(content):
    assert refusal("entry.pdf", content) == [
        "The file “entry.pdf” is a web page (HTML), which is not accepted. Save or print it as "
        "PDF and upload that instead."
    ]


@pytest.mark.parametrize("name", ["entry.doc", "budget.xls", "pitch.ppt", "entry.pdf"])
def test_legacy_office_refused(name):
    content = OLE2 + bytes(504) + "WordDocument".encode("utf-16-le")

    assert refusal(name, content) == [
        f"The file “{name}” is in an old Microsoft Office format (.doc, .xls or .ppt), which is "
        "not accepted. Save it as PDF or in a current Office format (.docx, .xlsx or .pptx) and "
        "upload it again."
    ]


def test_password_protected_office_file_refused():
    content = OLE2 + bytes(504) + "EncryptedPackage".encode("utf-16-le")

    assert refusal("entry.docx", content) == [
        "The file “entry.docx” is protected by a password, so it cannot be checked or read by "
        "the jury. Remove the password, save it and upload it again."
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("entry.docx", ooxml_bytes("word", "word/vbaProject.bin")),
        ("entry.docm", ooxml_bytes("word", "word/vbaProject.bin")),
        ("budget.xlsx", ooxml_bytes("xl", "xl/VBAPROJECT.BIN")),
        ("budget.xlsx", ooxml_bytes("xl", "xl/macrosheets/sheet1.xml")),
        ("pitch.pptx", ooxml_bytes("ppt", "vbaProject.bin")),
        ("entry.odt", odf_bytes(ODT, "Basic/Standard/Module1.xml")),
    ],
)
def test_document_with_macros_refused(name, content):
    assert refusal(name, content) == [
        f"The file “{name}” contains macros, which are not accepted. Save it without macros (as "
        ".docx, .xlsx, .pptx or OpenDocument) or as PDF, and upload it again."
    ]


DAMAGED = (
    "The file “{}” is damaged or incomplete and cannot be opened. Check that it opens on your "
    "computer, save it again and upload the new copy."
)


def test_truncated_png_refused():
    content = image_bytes("PNG", size=(200, 200), noise=True)

    assert refusal("photo.png", content[: len(content) // 2]) == [DAMAGED.format("photo.png")]


def test_png_with_corrupted_checksum_refused():
    content = bytearray(image_bytes("PNG"))
    content[29] ^= 0xFF  # the CRC of the IHDR chunk

    assert refusal("photo.png", bytes(content)) == [DAMAGED.format("photo.png")]


@pytest.mark.parametrize(("name", "pillow_format"), [("photo.jpg", "JPEG"), ("a.gif", "GIF")])
def test_truncated_image_refused(name, pillow_format):
    content = image_bytes(pillow_format, size=(200, 200), noise=True)

    assert refusal(name, content[: len(content) // 2]) == [DAMAGED.format(name)]


def test_pdf_without_end_marker_refused():
    content = pdf_bytes().replace(b"%%EOF", b"")

    assert refusal("entry.pdf", content) == [DAMAGED.format("entry.pdf")]


def test_pdf_truncated_refused():
    content = pdf_bytes()

    assert refusal("entry.pdf", content[: len(content) // 2]) == [DAMAGED.format("entry.pdf")]


def test_truncated_docx_refused():
    content = ooxml_bytes("word")

    assert refusal("entry.docx", content[:-30]) == [DAMAGED.format("entry.docx")]


def test_docx_with_corrupted_member_refused():
    members = {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"Entry " * 200}
    content = bytearray(zip_bytes(members))
    start = content.index(b"word/document.xml") + len("word/document.xml")
    content[start + 5] ^= 0xFF

    assert refusal("entry.docx", bytes(content)) == [DAMAGED.format("entry.docx")]


def test_png_named_pdf_refused():
    assert refusal("entry.pdf", image_bytes("PNG")) == [
        "The content of “entry.pdf” does not match its name: it is a PNG image. Rename it to end "
        "in .png, or upload the file you meant to send."
    ]


@pytest.mark.parametrize(
    ("name", "content", "kind", "extension"),
    [
        ("photo.png", image_bytes("JPEG"), "a JPEG image", ".jpg"),
        ("photo", image_bytes("WEBP"), "a WebP image", ".webp"),
        ("entry.pdf", ooxml_bytes("word"), "a Word document", ".docx"),
        ("budget.xlsx", odf_bytes(ODS), "an OpenDocument spreadsheet", ".ods"),
        ("entry.docx", pdf_bytes(), "a PDF document", ".pdf"),
    ],
)
def test_content_not_matching_name_refused(name, content, kind, extension):
    assert refusal(name, content) == [
        f"The content of “{name}” does not match its name: it is {kind}. Rename it to end in "
        f"{extension}, or upload the file you meant to send."
    ]


TOO_MANY_PIXELS = (
    "The image “{}” has more than 40 million pixels. Reduce its dimensions and upload it again."
)


@pytest.mark.parametrize(
    ("size", "pillow_format"),
    [
        ((8000, 8000), "PNG"),
        ((8000, 5001), "PNG"),
        # Past Pillow's own limits, where it warns and then raises an error of its own.
        ((12000, 12000), "PNG"),
        ((14000, 14000), "PNG"),
        ((7000, 6000), "GIF"),
    ],
)
def test_decompression_bomb_refused_without_warning(size, pillow_format):
    content = image_bytes(pillow_format, size=size, mode="1" if pillow_format == "PNG" else "L")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        messages = refusal("bomb.png" if pillow_format == "PNG" else "bomb.gif", content)

    assert messages == [TOO_MANY_PIXELS.format("bomb." + pillow_format.lower())]
    assert caught == []


def test_zip_expanding_too_much_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", MB)
    content = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": bytes(MB)})

    assert refusal("entry.docx", content) == [
        "The file “entry.docx” unpacks to more than 1 MB, which is not accepted. Save it again "
        "with smaller embedded images, or as PDF, and upload it again."
    ]


UNKNOWN = (
    "The file “{}” is not in an accepted format. Accepted formats are PDF, PNG, JPEG, GIF, WebP, "
    "Word, Excel and PowerPoint (.docx, .xlsx, .pptx) and OpenDocument (.odt, .ods, .odp)."
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"Our project in a few words."),
        ("notes.pdf", b"PDF-1.4 but not quite"),
        ("archive.zip", zip_bytes({"photo.png": b"not an office file"})),
        ("entry.docx", zip_bytes({"word/document.xml": b"<document/>"})),
        ("drawing.odg", odf_bytes("application/vnd.oasis.opendocument.graphics")),
        ("entry.odt", zip_bytes({"content.xml": b"<x/>", "mimetype": ODT.encode()})),
        ("photo.bmp", image_bytes("BMP")),
        ("feed.xml", b'<?xml version="1.0"?><rss><title>svg</title></rss>'),
    ],
)
def test_unknown_format_refused(name, content):
    assert refusal(name, content) == [UNKNOWN.format(name)]


def test_refusal_has_upload_code_and_name_param():
    upload = SimpleUploadedFile("entry.pdf", b"")

    with pytest.raises(ValidationError) as error:
        check_upload(upload, max_bytes=LIMIT)

    assert (error.value.code, error.value.params) == ("upload", {"name": "entry.pdf"})
