"""Certificates: rendered by WeasyPrint from our own template and assets, sealed with the
programme's seal (pyHanko, PAdES B-B certification, no change allowed), stored with their sha256,
and verifiable by anyone from the code printed on them or from the file itself.

Other apps ask for certificates (`request_certificate`, in the transaction that decides them);
one Celery task per certificate renders and seals it after the commit, and a periodic sweep
issues any that a broker outage or a dead worker left pending. Nothing here reads the jury's
models: the jury passes what a certificate says.
"""

import asyncio
import base64
import concurrent.futures
import dataclasses
import datetime
import functools
import hashlib
import io
import warnings
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.refusals import Refused

from . import credentials
from .models import Certificate, Edition, Entry, Signatory, SupersededFile
from .models.certificates import normalise_code
from .pdf import asset_folder, render_pdf
from .workflow import ANNOUNCED_PHASES

# pyHanko imports cryptography's DSA key types to tell them apart, which cryptography 51
# deprecates on import; the seal is RSA and no DSA key is made or accepted here.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")

# A certificate's page holds this many signatures side by side.
MAX_SIGNATORIES = 3
# How long a certificate may stay pending before the sweep asks for it again.
PENDING_GRACE = datetime.timedelta(minutes=2)


class CertificateRefused(Refused):
    """A certificate that cannot be issued, revoked or issued again as asked."""


class SealMissing(CertificateRefused):
    """The programme's seal is not where the settings say."""


# Asking for certificates ---------------------------------------------------------------------


def request_certificate(
    *,
    edition: Edition,
    kind: str,
    source: str,
    prize_name: str,
    recipients: Sequence[dict],
    language: str,
    citation: str = "",
    entry: Entry | None = None,
    person=None,
    now: datetime.datetime | None = None,
) -> Certificate:
    """A certificate of `edition` for what `source` names ("prize:12"), made once however often
    it is asked for; the task that issues it is queued once the caller's transaction commits.
    Call it inside that transaction."""
    certificate, created = Certificate.objects.get_or_create(
        edition=edition,
        source=source,
        defaults={
            "kind": kind,
            "entry": entry,
            "person": person,
            "prize_name": prize_name,
            "citation": citation,
            "recipients": list(recipients),
            "language": language if language in dict(settings.LANGUAGES) else "en",
            "requested_at": now or timezone.now(),
        },
    )
    if created:
        _queue(certificate.pk)
    return certificate


def entry_recipients(entry: Entry) -> list[dict]:
    """The lead applicant and every partner government of `entry` that did not decline, with
    their countries, as a certificate names them."""
    from .models import Partner

    lead = entry.organisation
    named = [{"name": lead.name, "country": str(lead.country), "role": "lead"}]
    partners = entry.partners.exclude(status=Partner.Status.DECLINED).order_by("pk")
    named += [{"name": p.name, "country": str(p.country), "role": "partner"} for p in partners]
    return named


def _queue(certificate_id: int) -> None:
    from .tasks import issue_certificate_task

    transaction.on_commit(
        lambda: issue_certificate_task.delay(certificate_id=certificate_id), robust=True
    )


def pending_certificates(now: datetime.datetime) -> list[int]:
    """Certificates asked for more than PENDING_GRACE ago and still not issued."""
    return list(
        Certificate.objects.filter(
            sha256="", revoked_at__isnull=True, requested_at__lt=now - PENDING_GRACE
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Issuing -------------------------------------------------------------------------------------


def issue(certificate_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Render, seal and store the certificate if it is still pending; False when there was
    nothing to do (issued meanwhile, revoked, or gone). Rendering happens outside any
    transaction; the file is stored only if the row is still pending once locked, so two
    workers on the same certificate store one file, and only if it was not asked for again
    meanwhile (a correction issued again while this one rendered the text before it)."""
    certificate = Certificate.objects.filter(pk=certificate_id).select_related("edition").first()
    if certificate is None or certificate.is_issued or certificate.is_revoked:
        return False
    sealed = seal_pdf(render_certificate_pdf(certificate))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.is_issued or locked.is_revoked:
            return False
        if locked.requested_at != certificate.requested_at:
            return False  # the newer request's own task issues it
        locked.sha256 = hashlib.sha256(sealed).hexdigest()
        locked.issued_at = now
        locked.credential = ""
        if locked.kind in credentials.BADGED_KINDS:
            locked.credential = credentials.sign(credentials.credential_of(locked))
        locked.pdf.save(f"{locked.code}.pdf", ContentFile(sealed), save=False)
        locked.save(update_fields=["sha256", "issued_at", "credential", "pdf"])
    return True


@transaction.atomic
def revoke(*, certificate: Certificate, by, reason: str, now: datetime.datetime | None = None):
    """The certificate no longer stands: verification says so, with the date and the reason."""
    if not by.has_perm("awards.manage_certificates"):
        raise CertificateRefused(_("Only the secretariat may revoke a certificate."))
    reason = reason.strip()
    if not reason:
        raise CertificateRefused(_("Say why the certificate is revoked."))
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise CertificateRefused(_("This certificate is revoked already."))
    locked.revoked_at, locked.revoked_by, locked.revoked_reason = now or timezone.now(), by, reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    return locked


@transaction.atomic
def reissue(
    *,
    certificate: Certificate,
    by,
    reason: str,
    prize_name: str | None = None,
    citation: str | None = None,
    recipients: Sequence[dict] | None = None,
    now: datetime.datetime | None = None,
) -> Certificate:
    """Issue the certificate again after a correction: the same code, a new file; the old
    file's hash is kept as replaced (it no longer verifies) with who and why."""
    if not by.has_perm("awards.manage_certificates"):
        raise CertificateRefused(_("Only the secretariat may issue a certificate again."))
    reason = reason.strip()
    if not reason:
        raise CertificateRefused(_("Say what was corrected."))
    now = now or timezone.now()
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise CertificateRefused(_("A revoked certificate is not issued again."))
    if locked.is_issued:
        SupersededFile.objects.create(
            certificate=locked,
            sha256=locked.sha256,
            issued_at=locked.issued_at,
            superseded_at=now,
            by=by,
            reason=reason,
        )
    for field, value in (
        ("prize_name", prize_name),
        ("citation", citation),
        ("recipients", None if recipients is None else list(recipients)),
    ):
        if value is not None:
            setattr(locked, field, value)
    locked.sha256, locked.issued_at, locked.requested_at = "", None, now
    locked.save(
        update_fields=[
            "prize_name",
            "citation",
            "recipients",
            "sha256",
            "issued_at",
            "requested_at",
        ]
    )
    _queue(locked.pk)
    return locked


@transaction.atomic
def remove_signatory(*, signatory: Signatory, by) -> None:
    """The signatory no longer signs the edition's certificates (those issued keep their
    signatures); the signature image leaves storage once this commits."""
    if not by.has_perm("awards.manage_certificates"):
        raise CertificateRefused(_("Only the secretariat may change who signs certificates."))
    image = signatory.signature
    storage, name = image.storage, image.name
    signatory.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# Rendering -----------------------------------------------------------------------------------


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("awards:certificate_verify", args=[certificate.code])


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as a one-page A4 landscape PDF in its language (not yet sealed)."""
    signatories = [(s, _image_data_uri(s.signature)) for s in certificate.edition.signatories.all()]
    return render_pdf(_html(certificate, signatories), font_config=_warm_fonts())


def _html(certificate: Certificate, signatories: list) -> str:
    import segno

    url = verification_url(certificate)
    # A PNG, not an SVG: WeasyPrint draws an SVG QR code module by module. Six pixels a
    # module: some 230 dpi at the code's 24 mm, sharp in print.
    qr = segno.make(url, error="m").png_data_uri(scale=6, border=0, dark="#1d3f6e")
    partners, citation, density = _fitted(certificate)
    with translation.override(certificate.language):
        edition = certificate.edition
        return render_to_string(
            "awards/certificate_pdf.html",
            {
                "certificate": certificate,
                "edition": edition,
                "lead": certificate.lead,
                "partners": partners,
                "partners_left_out": len(certificate.partners) - len(partners),
                "citation": citation,
                "jurors": [
                    r for r in certificate.recipients if r.get("role") in ("juror", "chair")
                ],
                "date": formats.date_format(
                    timezone.localtime(certificate.requested_at, edition.tzinfo).date(),
                    "DATE_FORMAT",
                ),
                "signatories": signatories[:MAX_SIGNATORIES],
                "qr": qr,
                "url": url,
                "css": (asset_folder() / "certificate.css").as_uri(),
                "density": density,
            },
        )


# What one page holds, in characters, at each size of type: the names of the partners, and
# the citation. Beyond the last, the page names as many partners as fit and says how many
# more there are, and ends the citation at a word with an ellipsis; the verification page,
# whose address is on the certificate, gives every name and the whole citation.
DENSITIES = [(350, 350), (800, 600), (1400, 800)]


def _fitted(certificate: Certificate) -> tuple[list[dict], str, int]:
    """The partners and the citation the page shows, and the size of type (0 the largest)."""
    names = sum(len(p["name"]) + 20 for p in certificate.partners)
    citation = certificate.citation
    for density, (names_fit, citation_fit) in enumerate(DENSITIES):
        if names <= names_fit and len(citation) <= citation_fit:
            return certificate.partners, citation, density
    names_fit, citation_fit = DENSITIES[-1]
    shown, used = [], 0
    for partner in certificate.partners:
        used += len(partner["name"]) + 20
        if used > names_fit:
            break
        shown.append(partner)
    if len(citation) > citation_fit:
        citation = citation[:citation_fit].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"
    return shown, citation, len(DENSITIES) - 1


@functools.cache
def _warm_fonts():
    """A font configuration with every font and size a certificate uses already loaded, by
    rendering here, once per process, a certificate of our own text (never a recipient's):
    each forked render then starts warm. A child that loaded its fonts itself took three to
    four times as long (bench/certificates.py)."""
    from weasyprint.text.fonts import FontConfiguration

    from .pdf import write_pdf

    fonts = FontConfiguration()
    edition = Edition(title="PLATFORMAwards", year=2026, slug="warm-up", timezone="UTC")
    names = ["Aa Bb", "Кк Γγ", "ქართული", "العربية", "Հայերեն"]
    sample = Certificate(
        edition=edition,
        entry=Entry(edition=edition, title="Aa Bb"),
        kind=Certificate.Kind.PRIZE,
        prize_name="Aa",
        recipients=[{"name": "Aa", "country": "FR", "role": "lead"}]
        + [{"name": n, "country": "FR", "role": "partner"} for n in names],
        requested_at=timezone.now(),
    )
    signatories = [(Signatory(edition=edition, name="Aa", role="Bb"), "")] * MAX_SIGNATORIES
    # Fonts are chosen by language too: each of the site's, in both sizes of type.
    for language, _name in settings.LANGUAGES:
        for citation in ("Aa Bb", "Aa " * 200, "Aa " * 300):
            sample.language, sample.citation = language, citation
            write_pdf(_html(sample, signatories), font_config=fonts)
    return fonts


def _image_data_uri(file) -> str:
    """A signature image as a data: URL (the renderer fetches nothing else); "" without one or
    when the stored file is not a PNG or JPEG."""
    if not file:
        return ""
    from PIL import Image

    try:
        with file.open("rb") as handle:
            content = handle.read()
        kind = Image.open(io.BytesIO(content)).format
    except (OSError, ValueError):
        return ""
    mime = {"PNG": "image/png", "JPEG": "image/jpeg"}.get(kind or "")
    if mime is None:
        return ""
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


# The seal ------------------------------------------------------------------------------------


def seal_file() -> Path:
    return Path(settings.CERTIFICATE_SEAL_FILE)


@functools.lru_cache(maxsize=4)
def _signer(path: str, modified: float, password: str):
    from pyhanko.sign import signers

    loaded = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    if loaded is None:
        raise SealMissing(_("The programme's seal could not be read: check its password."))
    return _seal_signer_class()(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


@functools.cache
def _seal_signer_class():
    """pyHanko's in-memory signer, with the private key parsed once rather than at each
    signature: parsing (and checking) an RSA key took 90 ms, twice a seal, where signing takes
    2 ms (bench/certificates.py)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class SealSigner(SimpleSigner):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
                return self._key.sign(data, padding.PKCS1v15(), hash_algorithm)
            if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
                return self._key.sign(data, ec.ECDSA(hash_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return SealSigner


def signer():
    path = seal_file()
    if not path.is_file():
        raise SealMissing(
            _(
                "The programme's seal is missing (%(path)s): certificates cannot be issued. "
                "Run “python manage.py create_seal” for a test seal, or set "
                "CERTIFICATE_SEAL_FILE to the programme's PKCS#12 file."
            )
            % {"path": path}
        )
    return _signer(str(path), path.stat().st_mtime, settings.CERTIFICATE_SEAL_PASSWORD)


def _outside_event_loop(function, *args):
    """`function(*args)`, run in a thread of its own when this one runs an event loop: pyHanko
    starts one of its own (asyncio.run), which a running loop forbids."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def seal_pdf(pdf: bytes) -> bytes:
    """`pdf` certified with the programme's seal: PAdES baseline B-B, no change allowed."""
    return _outside_event_loop(_seal, pdf, signer())


def _seal(pdf: bytes, seal) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name="ProgrammeSeal",
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=settings.CERTIFICATE_SEAL_REASON,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, metadata, signer=seal).getvalue()


def seal_certificate_pem() -> bytes:
    """The seal's public certificate, PEM: what a verifier pins."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = signer().signing_cert.dump()
    return x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM)


@dataclasses.dataclass(frozen=True)
class SealCheck:
    intact: bool  # the bytes are those that were sealed
    trusted: bool  # sealed with the programme's seal
    unchanged: bool  # nothing added after the seal


def check_seal(pdf: bytes) -> SealCheck | None:
    """The seal of a PDF against the programme's own certificate; None when it has none.
    Only called on files whose hash is on record (see `check_file`): a stranger's PDF is never
    parsed here."""
    return _outside_event_loop(_check_seal, pdf, signer().signing_cert.dump())


def _check_seal(pdf: bytes, pinned: bytes) -> SealCheck | None:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    if not reader.embedded_signatures:
        return None
    root = asn1_x509.Certificate.load(pinned)
    status = validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[root])
    )
    return SealCheck(
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        unchanged=bool(status.docmdp_ok) and status.coverage.name == "ENTIRE_FILE",
    )


def may_download(user, certificate: Certificate) -> bool:
    """The secretariat, always; once the results are public and while the certificate stands,
    the juror it thanks or whoever acts for the entry it names."""
    if user.has_perm("awards.manage_certificates"):
        return True
    if not certificate.edition.results_announced or certificate.is_revoked:
        return False
    if certificate.person_id is not None:
        return certificate.person_id == user.pk
    return certificate.entry is not None and user.has_perm(
        "awards.download_certificates", certificate.entry
    )


def entry_certificates(entry: Entry, user) -> list[Certificate]:
    """The entry's issued certificates that `user` may download."""
    issued = entry.certificates.issued().select_related("edition", "entry").order_by("pk")
    return [certificate for certificate in issued if may_download(user, certificate)]


def personal_certificates(user) -> list[Certificate]:
    """The standing certificates that thank `user` (a juror), once the results are public."""
    return list(
        Certificate.objects.issued()
        .announced()
        .filter(person=user, revoked_at__isnull=True)
        .select_related("edition")
        .order_by("-edition__year")
    )


# Verification --------------------------------------------------------------------------------


def published(code: str) -> Certificate | None:
    """The issued certificate with this code, only once its edition's results are public: an
    unknown code and one not yet published look the same."""
    stored = normalise_code(code)
    if stored is None:
        return None
    return (
        Certificate.objects.issued()
        .announced()
        .filter(code=stored)
        .select_related("edition", "entry")
        .first()
    )


@dataclasses.dataclass(frozen=True)
class FileCheck:
    certificate: Certificate | None
    # The file was issued once, then replaced by a corrected one.
    superseded: SupersededFile | None
    seal: SealCheck | None


def check_file(pdf: bytes) -> FileCheck:
    """Whether `pdf` is a certificate as issued: its sha256 against those on record (of public
    results only), and its seal when it is one of ours."""
    digest = hashlib.sha256(pdf).hexdigest()
    certificate = (
        Certificate.objects.announced()
        .filter(sha256=digest)
        .select_related("edition", "entry")
        .first()
    )
    if certificate is not None:
        return FileCheck(certificate, None, check_seal(pdf))
    superseded = (
        SupersededFile.objects.filter(
            sha256=digest, certificate__edition__phase__in=ANNOUNCED_PHASES
        )
        .select_related("certificate__edition")
        .first()
    )
    if superseded is not None:
        return FileCheck(superseded.certificate, superseded, check_seal(pdf))
    return FileCheck(None, None, None)
