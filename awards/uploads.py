"""Check an uploaded attachment by what its bytes are, not by what its name claims."""

import codecs
import contextlib
import hashlib
import io
import posixpath
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Decompressing more pixels than this costs hundreds of MB of memory per image; no photo or
# scan that a jury needs to look at comes anywhere near it.
MAX_IMAGE_MEGAPIXELS = 40

# Office documents are ZIP archives, so a few MB can declare gigabytes of content (a "ZIP bomb").
# Real entries with embedded photos stay well below these.
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000

# A PDF writer appends %%EOF when it finishes, so its absence means an interrupted save or upload.
PDF_EOF_WINDOW = 1024

# SVG and HTML are recognised from their first characters, like a browser sniffing content.
TEXT_SNIFF_BYTES = 1024


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class _Kind:
    content_type: str
    extensions: tuple[str, ...]
    description: "StrPromise"
    pillow_format: str | None = None


PDF = _Kind("application/pdf", (".pdf",), _("a PDF document"))
PNG = _Kind("image/png", (".png",), _("a PNG image"), "PNG")
JPEG = _Kind("image/jpeg", (".jpg", ".jpeg"), _("a JPEG image"), "JPEG")
GIF = _Kind("image/gif", (".gif",), _("a GIF image"), "GIF")
WEBP = _Kind("image/webp", (".webp",), _("a WebP image"), "WEBP")
DOCX = _Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    _("a Word document"),
)
XLSX = _Kind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
    _("an Excel workbook"),
)
PPTX = _Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
    _("a PowerPoint presentation"),
)
ODT = _Kind("application/vnd.oasis.opendocument.text", (".odt",), _("an OpenDocument text"))
ODS = _Kind(
    "application/vnd.oasis.opendocument.spreadsheet", (".ods",), _("an OpenDocument spreadsheet")
)
ODP = _Kind(
    "application/vnd.oasis.opendocument.presentation",
    (".odp",),
    _("an OpenDocument presentation"),
)

_SIGNATURES: tuple[tuple[bytes, _Kind], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_OOXML_FOLDERS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_KINDS = {kind.content_type: kind for kind in (ODT, ODS, ODP)}

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office stores a password-protected .docx/.xlsx/.pptx in an OLE2 container with this stream.
_OLE2_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows and DOS
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # macOS, both byte orders and word sizes, and universal binaries
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # scripts run directly by a Unix shell
)

EMPTY = _("The file “%(name)s” is empty. Choose the right file and upload it again.")
TOO_LARGE = _(
    "The file “%(name)s” is larger than the %(limit)s MB limit. Reduce its size, for example "
    "by compressing the images in it, and upload it again."
)
TOO_MANY_PIXELS = _(
    "The image “%(name)s” has more than %(limit)s million pixels. Reduce its dimensions and "
    "upload it again."
)
EXPANDS_TOO_MUCH = _(
    "The file “%(name)s” unpacks to more than %(limit)s MB, which is not accepted. Save it "
    "again with smaller embedded images, or as PDF, and upload it again."
)
DAMAGED = _(
    "The file “%(name)s” is damaged or incomplete and cannot be opened. Check that it opens on "
    "your computer, save it again and upload the new copy."
)
NAME_MISMATCH = _(
    "The content of “%(name)s” does not match its name: it is %(kind)s. Rename it to end in "
    "%(extension)s, or upload the file you meant to send."
)
EXECUTABLE = _(
    "The content of “%(name)s” does not match its name: it is a program, and programs are not "
    "accepted. Upload the document itself, for example as PDF."
)
SVG = _(
    "The file “%(name)s” is an SVG image. SVG images can contain scripts, so they are not "
    "accepted. Export it as PNG or JPEG and upload that instead."
)
HTML = _(
    "The file “%(name)s” is a web page (HTML), which is not accepted. Save or print it as PDF "
    "and upload that instead."
)
LEGACY_OFFICE = _(
    "The file “%(name)s” is in an old Microsoft Office format (.doc, .xls or .ppt), which is not "
    "accepted. Save it as PDF or in a current Office format (.docx, .xlsx or .pptx) and upload "
    "it again."
)
ENCRYPTED = _(
    "The file “%(name)s” is protected by a password, so it cannot be checked or read by the "
    "jury. Remove the password, save it and upload it again."
)
MACROS = _(
    "The file “%(name)s” contains macros, which are not accepted. Save it without macros "
    "(as .docx, .xlsx, .pptx or OpenDocument) or as PDF, and upload it again."
)
UNKNOWN = _(
    "The file “%(name)s” is not in an accepted format. Accepted formats are PDF, PNG, JPEG, GIF, "
    "WebP, Word, Excel and PowerPoint (.docx, .xlsx, .pptx) and OpenDocument (.odt, .ods, .odp)."
)


def check_upload(upload: UploadedFile, *, max_bytes: int) -> CheckedUpload:
    """
    Identify an uploaded attachment from its content and refuse it, with a ValidationError the
    applicant can act on, unless it is an accepted document or image whose name matches. Leave
    the file position at 0.
    """
    name = upload.name or ""
    if upload.size == 0:
        raise _refusal(EMPTY, name)
    if upload.size is not None and upload.size > max_bytes:
        raise _refusal(TOO_LARGE, name, limit=_megabytes(max_bytes))
    try:
        content, sha256 = _read(upload, name, max_bytes)
    finally:
        upload.seek(0)
    kind = _identify(content, name)
    extension = posixpath.splitext(name)[1].lower()
    if extension not in kind.extensions:
        # The lazy description is translated along with the message, when it is displayed.
        raise _refusal(NAME_MISMATCH, name, kind=kind.description, extension=kind.extensions[0])
    if kind is PDF and b"%%EOF" not in content[-PDF_EOF_WINDOW:]:
        raise _refusal(DAMAGED, name)
    if kind.pillow_format:
        _verify_image(content, kind.pillow_format, name)
    return CheckedUpload(content_type=kind.content_type, size=len(content), sha256=sha256)


def _refusal(
    message: "StrPromise", name: str, **params: "str | int | StrPromise"
) -> ValidationError:
    return ValidationError(message, code="upload", params={"name": name, **params})


def _megabytes(num_bytes: int) -> str:
    value = round(num_bytes / 1024 / 1024, 2)
    decimals = next(places for places in (0, 1, 2) if round(value, places) == value)
    return formats.number_format(value, decimal_pos=decimals)


def _read(upload: UploadedFile, name: str, max_bytes: int) -> tuple[bytes, str]:
    digest = hashlib.sha256()
    content = bytearray()
    for chunk in upload.chunks():
        digest.update(chunk)
        content += chunk
        # upload.size is what the client announced; the bytes themselves are what counts.
        if len(content) > max_bytes:
            raise _refusal(TOO_LARGE, name, limit=_megabytes(max_bytes))
    if not content:
        raise _refusal(EMPTY, name)
    return bytes(content), digest.hexdigest()


def _identify(content: bytes, name: str) -> _Kind:
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(_ZIP_SIGNATURES):
        office_kind = _identify_zip(content, name)
        if office_kind is None:
            raise _refusal(UNKNOWN, name)
        return office_kind
    if content.startswith(_OLE2_SIGNATURE):
        raise _refusal(ENCRYPTED if _OLE2_ENCRYPTED_STREAM in content else LEGACY_OFFICE, name)
    if content.startswith(_EXECUTABLE_SIGNATURES):
        raise _refusal(EXECUTABLE, name)
    text = _leading_text(content)
    if text.startswith(("<!doctype html", "<html")):
        raise _refusal(HTML, name)
    # Besides a bare <svg>, this catches an XML declaration, comment or doctype before it.
    if text.startswith("<") and "<svg" in text:
        raise _refusal(SVG, name)
    raise _refusal(UNKNOWN, name)


def _leading_text(content: bytes) -> str:
    head = content[:TEXT_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        # Only ASCII markup is looked for, and latin-1 decodes any byte without failing.
        text = head.removeprefix(codecs.BOM_UTF8).decode("latin-1")
    return text.lstrip().lower()


def _identify_zip(content: bytes, name: str) -> _Kind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if (
                len(members) > MAX_ZIP_MEMBERS
                or sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES
            ):
                raise _refusal(EXPANDS_TOO_MUCH, name, limit=_megabytes(MAX_UNZIPPED_BYTES))
            for member in members:
                _read_through(archive, member)
            kind = _odf_kind(archive, members) or _ooxml_kind(members)
    # zipfile reports damage through several exception types, depending on where it is found.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise _refusal(DAMAGED, name) from None
    except RuntimeError:
        # zipfile raises it for a member that needs a password.
        raise _refusal(ENCRYPTED, name) from None
    if kind is not None and _has_macros(members):
        raise _refusal(MACROS, name)
    return kind


def _read_through(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    # Reading to the end makes zipfile compare the CRC, which exposes truncation and corruption.
    with archive.open(member) as stream:
        while stream.read(1024 * 1024):
            pass


def _odf_kind(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> _Kind | None:
    # OpenDocument requires the "mimetype" member first, so that the type can be read directly.
    if not members or members[0].filename != "mimetype":
        return None
    with archive.open(members[0]) as stream:
        declared = stream.read(100).decode("ascii", errors="replace").strip()
    return _ODF_KINDS.get(declared)


def _ooxml_kind(members: list[zipfile.ZipInfo]) -> _Kind | None:
    names = [member.filename for member in members]
    if "[Content_Types].xml" not in names:
        return None
    for folder, kind in _OOXML_FOLDERS:
        if any(name.startswith(folder) for name in names):
            return kind
    return None


def _has_macros(members: list[zipfile.ZipInfo]) -> bool:
    for member in members:
        path = member.filename.lower()
        if (
            posixpath.basename(path) == "vbaproject.bin"
            # Excel 4.0 macro sheets run without any VBA project.
            or path.startswith("xl/macrosheets/")
            # Where LibreOffice keeps Basic, Python and JavaScript macros.
            or path.startswith(("basic/", "scripts/"))
        ):
            return True
    return False


@contextlib.contextmanager
def _strict_decoding():
    # WeasyPrint makes Pillow accept truncated images for the whole process (images.py sets
    # ImageFile.LOAD_TRUNCATED_IMAGES); an upload cut short must still be refused.
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _verify_image(content: bytes, pillow_format: str, name: str) -> None:
    try:
        with warnings.catch_warnings():
            # Only whether the image decodes matters here; Pillow's remarks about odd but
            # readable files would otherwise end up in the logs on every upload.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_MEGAPIXELS * 1_000_000:
                    raise Image.DecompressionBombError(name)
                image.verify()
            # verify() checks little beyond PNG checksums, so decode the pixels as well.
            with (
                _strict_decoding(),
                Image.open(io.BytesIO(content), formats=[pillow_format]) as image,
            ):
                image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _refusal(TOO_MANY_PIXELS, name, limit=MAX_IMAGE_MEGAPIXELS) from None
    # Pillow reports malformed data through many exception types (OSError, SyntaxError,
    # ValueError, struct.error...); whichever it is, the jury could not see the image.
    except Exception:
        raise _refusal(DAMAGED, name) from None
