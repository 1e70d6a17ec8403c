"""Certificates: public verification by code, by file and of the seal; downloads for the
people they name and for the secretariat."""

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.limits import accepts_uploads
from core.parsing import parse_id

from .. import certificates, credentials
from ..forms.certificates import (
    MAX_CHECKED_PDF_BYTES,
    MAX_SIGNATURE_BYTES,
    CodeForm,
    CorrectionForm,
    CredentialCheckForm,
    FileCheckForm,
    ReasonForm,
    SignatoryForm,
)
from ..models import Certificate, Edition, Signatory

manage_certificates = permission_required("awards.manage_certificates", raise_exception=True)


@login_not_required
@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """The verification page's start: a code to type, a file to check."""
    form = CodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("awards:certificate_verify", code=form.cleaned_data["code"])
    return render(
        request,
        "awards/certificate_lookup.html",
        {"form": form, "file_form": FileCheckForm()},
    )


@login_not_required
@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """What the QR code on a certificate opens: valid or revoked, and what it certifies. An
    unknown code and one whose results are not public yet give the same page."""
    certificate = certificates.published(code)
    if certificate is None:
        return render(
            request,
            "awards/certificate_unknown.html",
            {"form": CodeForm(initial={"code": code[:40]}), "file_form": FileCheckForm()},
            status=404,
        )
    return render(
        request,
        "awards/certificate_verify.html",
        {"certificate": certificate, "file_form": FileCheckForm()},
    )


def _check_limit(request: HttpRequest) -> int:
    return MAX_CHECKED_PDF_BYTES


@login_not_required
@accepts_uploads(_check_limit)
@require_http_methods(["GET", "POST"])
def certificate_check(request: HttpRequest) -> HttpResponse:
    """Whether an uploaded file is a certificate as issued: its hash on record, and its seal."""
    if request.method == "GET":
        return redirect("awards:certificate_lookup")
    form = FileCheckForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        result = certificates.check_file(form.cleaned_data["file"].read())
    return render(
        request,
        "awards/certificate_check.html",
        {"form": form, "result": result},
        status=200 if form.is_valid() else 400,
    )


@login_not_required
@require_GET
def seal_certificate(request: HttpRequest) -> HttpResponse:
    """The seal's public certificate, for a verifier to pin (PDF readers, pyhanko)."""
    try:
        pem = certificates.seal_certificate_pem()
    except certificates.SealMissing as missing:
        raise Http404(str(missing)) from missing
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="platformawards-seal.pem"'
    return response


@login_not_required
@require_GET
def credential_issuer(request: HttpRequest) -> HttpResponse:
    """The issuer profile every credential names (Open Badges 3.0 Profile)."""
    return JsonResponse(credentials.issuer_profile(), json_dumps_params={"ensure_ascii": False})


@login_not_required
@require_GET
def credential_keys(request: HttpRequest) -> HttpResponse:
    """The public key set that verifies the credentials' signatures."""
    try:
        keys = credentials.public_key_set()
    except credentials.KeyMissing as missing:
        raise Http404(str(missing)) from missing
    return JsonResponse(keys)


@login_not_required
@require_http_methods(["GET", "POST"])
def credential_check(request: HttpRequest) -> HttpResponse:
    """Whether a pasted credential (VC-JWT) is signed by us, and the status of its certificate."""
    form = CredentialCheckForm(request.POST or None)
    result = None
    if form.is_bound and form.is_valid():
        result = credentials.check(form.cleaned_data["credential"])
    return render(
        request,
        "awards/credential_check.html",
        {
            "form": form,
            "result": result,
            "keys_url": reverse("awards:credential_keys"),
            "issuer_url": reverse("awards:credential_issuer"),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
def credential_download(request: HttpRequest, code: str, format: str) -> HttpResponse:
    """The certificate's Open Badges credential, signed (.jwt) or as readable JSON (.json),
    for the same people as the PDF."""
    if format not in ("jwt", "json"):
        raise Http404
    certificate = _downloadable(request, code)
    if not certificate.credential:
        raise Http404
    name = _file_name(certificate).removesuffix(".pdf")
    if format == "jwt":
        response = HttpResponse(certificate.credential, content_type="application/vc+jwt")
    else:
        payload = credentials.payload_of(certificate.credential)
        response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


@require_GET
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    """The sealed PDF, for the secretariat and, once the results are public, for whoever acts
    for the entry's organisation or the juror it thanks. Anyone else: not found."""
    certificate = _downloadable(request, code)
    with certificate.pdf.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(certificate)}"'
    return response


def _downloadable(request: HttpRequest, code: str) -> Certificate:
    """The issued certificate with `code` if the person may download it; not found else."""
    certificate = get_object_or_404(
        Certificate.objects.issued().select_related("edition", "entry"), code=code
    )
    if not certificates.may_download(request.user, certificate):
        raise Http404
    return certificate


def _file_name(certificate: Certificate) -> str:
    subject = certificate.entry.reference if certificate.entry else f"jury-{certificate.pk}"
    return f"{certificate.edition.slug}-{subject}-{certificate.kind}-{certificate.code}.pdf"


@manage_certificates
@require_GET
def edition_certificates(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat's list of an edition's certificates: issued, pending or revoked."""
    edition = get_object_or_404(Edition, slug=slug)
    rows = edition.certificates.select_related("entry", "person").order_by("kind", "pk")
    return render(
        request,
        "awards/edition_certificates.html",
        {"edition": edition, "certificates": rows},
    )


@manage_certificates
@require_GET
def edition_certificates_zip(request: HttpRequest, slug: str) -> HttpResponse:
    """Every issued, standing certificate of the edition in one ZIP."""
    edition = get_object_or_404(Edition, slug=slug)
    issued = edition.certificates.issued().filter(revoked_at__isnull=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in issued.select_related("edition", "entry").order_by("kind", "pk"):
            with certificate.pdf.open("rb") as handle:
                archive.writestr(_file_name(certificate), handle.read())
    stamp = timezone.localtime(timezone.now(), edition.tzinfo).strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{edition.slug}-certificates-{stamp}.zip"'
    )
    return response


@manage_certificates
@require_POST
def certificate_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Revoke a certificate, with the reason given: verification says so from then on."""
    certificate = get_object_or_404(Certificate, pk=pk, edition__slug=slug)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason, in a few words."))
        return redirect("awards:edition_certificates", slug=slug)
    try:
        certificates.revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except certificates.CertificateRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("Certificate %(code)s is revoked.") % {"code": certificate.code}
        )
    return redirect("awards:edition_certificates", slug=slug)


@manage_certificates
@require_http_methods(["GET", "POST"])
def certificate_correct(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Correct a certificate's prize name or citation, then issue it again under the same
    code; the partners' names and countries are taken from the entry as it stands now."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("edition", "entry"), pk=pk, edition__slug=slug
    )
    if certificate.is_revoked:
        messages.error(request, _("A revoked certificate is not issued again."))
        return redirect("awards:edition_certificates", slug=slug)
    form = CorrectionForm(request.POST or None, instance=certificate)
    if request.method == "POST" and form.is_valid():
        try:
            certificates.reissue(
                certificate=certificate,
                by=request.user,
                reason=form.cleaned_data["reason"],
                prize_name=form.cleaned_data["prize_name"],
                citation=form.cleaned_data["citation"],
                recipients=certificates.entry_recipients(certificate.entry)
                if certificate.entry
                else None,
            )
        except certificates.CertificateRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _(
                    "Certificate %(code)s is being issued again; the earlier file no longer "
                    "verifies."
                )
                % {"code": certificate.code},
            )
            return redirect("awards:edition_certificates", slug=slug)
    return render(
        request,
        "awards/certificate_correct.html",
        {
            "edition": certificate.edition,
            "certificate": certificate,
            "form": form,
            "replaced": certificate.superseded_files.order_by("-superseded_at"),
        },
    )


def _signature_limit(request: HttpRequest, slug: str) -> int:
    return MAX_SIGNATURE_BYTES if request.user.has_perm("awards.manage_certificates") else 0


@manage_certificates
@accepts_uploads(_signature_limit)
@require_http_methods(["GET", "POST"])
def edition_signatories(request: HttpRequest, slug: str) -> HttpResponse:
    """Who signs the edition's certificates: add one (with an optional signature image) or
    remove one. Certificates issued already keep the signatures they were issued with."""
    edition = get_object_or_404(Edition, slug=slug)
    form = SignatoryForm(
        request.POST if "add" in request.POST else None,
        request.FILES or None,
        instance=Signatory(edition=edition),
    )
    if request.method == "POST":
        if "remove" in request.POST:
            removed = edition.signatories.filter(pk=parse_id(request.POST.get("remove"))).first()
            if removed is not None:
                certificates.remove_signatory(signatory=removed, by=request.user)
                messages.success(request, _("%(name)s no longer signs.") % {"name": removed.name})
            return redirect("awards:edition_signatories", slug=slug)
        if form.is_valid():
            form.save()
            messages.success(
                request, _("%(name)s now signs the certificates.") % {"name": form.instance.name}
            )
            return redirect("awards:edition_signatories", slug=slug)
    return render(
        request,
        "awards/edition_signatories.html",
        {"edition": edition, "form": form, "signatories": edition.signatories.all()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
