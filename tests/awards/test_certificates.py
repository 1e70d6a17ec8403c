"""Certificates read back as a verifier would: the PDF's text (pypdf), its QR code (rendered
with pdftoppm, read with zxing-cpp), its hash and its seal (pyHanko against the seal published
at its public URL), and the public pages that say whether a code or a file is genuine."""

import hashlib
import http.server
import io
import re
import shutil
import subprocess
import threading

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import certificates, credentials
from awards.models import Certificate, Entry
from tests import services
from tests.factories import (
    EditionFactory,
    EntryFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    SecretariatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UKRAINIAN = "Львівська міська рада"
ARABIC = "بلدية تونس"
GEORGIAN = "თბილისის მერია"


def _entry(phase="published", **organisation):
    edition = EditionFactory(phase=phase)
    entry = EntryFactory(
        edition=edition,
        organisation=OrganisationFactory(name="Ville de Lyon", country="FR", **organisation),
        title="Lyon and Lviv: water for every district",
        language="en",
    )
    Entry.objects.filter(pk=entry.pk).update(state="awarded")
    PartnerFactory(entry=entry, name=UKRAINIAN, country="UA", status="confirmed")
    PartnerFactory(entry=entry, name=ARABIC, country="TN", status="confirmed")
    PartnerFactory(entry=entry, name=GEORGIAN, country="GE", status="confirmed")
    PartnerFactory(entry=entry, name="Declined town", country="SN", status="declined")
    return entry


def _issued(of, **overrides):
    fields = {
        "edition": of.edition,
        "kind": Certificate.Kind.PRIZE,
        "source": f"prize:{of.pk}",
        "entry": of,
        "prize_name": "1st prize",
        "citation": "A partnership that other cities can follow.",
        "recipients": certificates.entry_recipients(of),
        "language": "en",
        **overrides,
    }

    certificate = certificates.request_certificate(**fields)
    assert certificates.issue(certificate.pk)
    certificate.refresh_from_db()
    return certificate


def _pdf(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def _text(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def test_the_pdf_names_the_prize_every_partner_in_its_script_and_the_code():
    certificate = _issued(_entry())

    pages, text = _text(_pdf(certificate))

    assert pages == 1
    for expected in (
        "1st prize",
        "Ville de Lyon",
        UKRAINIAN,
        ARABIC,
        GEORGIAN,
        "Ukraine",
        "Tunisia",
        certificate.code,
        "A partnership that other cities can follow.",
    ):
        assert expected in text, expected
    assert "Declined town" not in text
    # Real glyphs: each script is drawn in a font that has it, embedded in the file.
    resources = pypdf.PdfReader(io.BytesIO(_pdf(certificate))).pages[0]["/Resources"]["/Font"]
    fonts = " ".join(str(font.get_object()["/BaseFont"]) for font in resources.values())
    assert "Noto-Naskh-Arabic" in fonts and "Noto-Sans-Georgian" in fonts


def test_a_certificate_is_written_in_its_recipients_language():
    certificate = _issued(_entry(), language="fr", prize_name="1er prix")

    _pages, text = _text(_pdf(certificate))

    assert "Certificat de prix" in text and "décerné à" in text and "1er prix" in text


def test_the_qr_code_on_the_page_opens_the_verification_url(tmp_path):
    import zxingcpp
    from PIL import Image

    services.require(
        shutil.which("pdftoppm") is not None, "pdftoppm is missing (Debian's poppler-utils)"
    )

    certificate = _issued(_entry())
    (tmp_path / "c.pdf").write_bytes(_pdf(certificate))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", tmp_path / "c.pdf", tmp_path / "page"],
        check=True,
    )

    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))

    assert [code.text for code in found] == [certificates.verification_url(certificate)]
    assert certificates.verification_url(certificate).endswith(f"/certificates/{certificate.code}/")


def test_the_stored_hash_and_the_seal_hold_and_one_changed_byte_breaks_both(client):
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    certificate = _issued(_entry())
    pdf = _pdf(certificate)
    assert hashlib.sha256(pdf).hexdigest() == certificate.sha256
    # A verifier pins the certificate published at the seal's public URL.
    published = client.get(reverse("awards:seal_certificate"))
    assert published.status_code == 200
    _type, _headers, der = pem.unarmor(published.content)
    pinned = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])

    def validate(data):
        signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
        return validate_pdf_signature(signature, pinned)

    status = validate(pdf)
    assert status.intact and status.valid and status.trusted and status.docmdp_ok
    assert status.coverage.name == "ENTIRE_FILE"
    # One byte changed inside the sealed range.
    changed = bytearray(pdf)
    changed[len(changed) // 3] ^= 0x01
    assert not validate(bytes(changed)).intact
    assert certificates.check_file(bytes(changed)).certificate is None


def test_another_seal_is_not_trusted(settings, tmp_path):
    from awards.management.commands.create_seal import make_seal

    certificate = _issued(_entry())
    pdf = _pdf(certificate)
    other = tmp_path / "other.p12"
    other.write_bytes(make_seal(name="Someone else", years=1, password=""))
    settings.CERTIFICATE_SEAL_FILE, settings.CERTIFICATE_SEAL_PASSWORD = other, ""

    check = certificates.check_seal(pdf)

    assert check is not None and check.intact and not check.trusted


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_hostile_names_and_citations_stay_text_on_one_page_and_call_nothing(listener):
    entry = _entry()
    hostile = [
        f'<img src="{listener}/img.png">',
        f"<style>@import url({listener}/x.css);</style>",
        '<b style="background:url(file:///etc/passwd)">bold</b>',
        "\u202eevil\u202c \u200fمرحبا Привет Γειά",  # noqa: RUF001
        "W" * 300,
    ]
    for name in hostile:
        PartnerFactory(entry=entry, name=name[:200], country="BR", status="confirmed")
    certificate = _issued(
        entry,
        citation=f"<script>fetch('{listener}/js')</script> {'long' * 75} "
        f'<link rel="stylesheet" href="{listener}/css">',
        prize_name=f'<img src="{listener}/prize.png">',
    )

    pages, text = _text(_pdf(certificate))

    assert pages == 1
    assert "<img src=" in text and "@import" in text and "<script>" in text
    assert "etc/passwd" in text
    assert _Recorder.requests == []


def test_the_renderer_loads_no_file_outside_its_assets(tmp_path):
    from awards.pdf import make_fetcher

    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    fetcher = make_fetcher()

    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("http://127.0.0.1:9/x.css")


def test_asking_twice_makes_one_certificate():
    entry = _entry()
    fields = {
        "edition": entry.edition,
        "kind": Certificate.Kind.PRIZE,
        "source": "prize:1",
        "entry": entry,
        "prize_name": "1st prize",
        "recipients": [],
        "language": "en",
    }

    first = certificates.request_certificate(**fields)
    second = certificates.request_certificate(**fields)

    assert first.pk == second.pk and Certificate.objects.count() == 1
    assert certificates.issue(first.pk) and not certificates.issue(first.pk)


def test_without_its_seal_nothing_is_issued_and_the_reason_is_plain(settings, tmp_path):
    certificate = certificates.request_certificate(
        edition=_entry().edition,
        kind=Certificate.Kind.FINALIST,
        source="finalist:1",
        prize_name="Finalist",
        recipients=[],
        language="en",
    )
    settings.CERTIFICATE_SEAL_FILE = tmp_path / "none.p12"

    with pytest.raises(certificates.SealMissing, match="create_seal"):
        certificates.issue(certificate.pk)

    certificate.refresh_from_db()
    assert not certificate.is_issued and not certificate.pdf


# The public pages -----------------------------------------------------------------------------


def test_the_verification_page_shows_a_published_certificate_as_valid(client):
    certificate = _issued(_entry())

    typed = certificate.code.replace("-", "").lower()
    response = client.get(reverse("awards:certificate_lookup"), {"code": typed})
    page = client.get(response.url)

    assert response.url == reverse("awards:certificate_verify", args=[certificate.code])
    body = page.content.decode()
    assert page.status_code == 200 and "Valid." in body
    assert UKRAINIAN in body and "1st prize" in body


def test_an_unpublished_and_an_unknown_code_give_the_same_not_found(client):
    hidden = _issued(_entry(phase="deliberation"))

    unpublished = client.get(reverse("awards:certificate_verify", args=[hidden.code]))
    unknown = client.get(reverse("awards:certificate_verify", args=["AAAA-BBBB-CCCC"]))

    assert unpublished.status_code == unknown.status_code == 404

    def page(response, code):
        # The same page, but for the code typed and the form's fresh CSRF token.
        return re.sub(
            r'"X-CSRFToken": "[^"]+"|value="[A-Za-z0-9]{64}"', "", response.content.decode()
        ).replace(code, "")

    assert page(unpublished, hidden.code) == page(unknown, "AAAA-BBBB-CCCC")
    assert "Lyon" not in unpublished.content.decode()


def test_revocation_shows_on_verification(client):
    certificate = _issued(_entry())
    certificates.revoke(
        certificate=certificate, by=SecretariatFactory(), reason="Awarded in error."
    )

    body = client.get(reverse("awards:certificate_verify", args=[certificate.code])).content

    assert b"Revoked." in body and b"Awarded in error." in body


def test_an_uploaded_file_is_recognised_only_as_issued(client):
    certificate = _issued(_entry())
    pdf = _pdf(certificate)
    url = reverse("awards:certificate_check")

    genuine = client.post(url, {"file": SimpleUploadedFile("c.pdf", pdf, "application/pdf")})
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    altered = client.post(
        url, {"file": SimpleUploadedFile("c.pdf", bytes(changed), "application/pdf")}
    )
    junk = client.post(url, {"file": SimpleUploadedFile("c.pdf", b"not a pdf", "text/plain")})

    assert "exactly as issued" in genuine.content.decode()
    assert "not a certificate as issued" in altered.content.decode()
    assert "not a certificate as issued" in junk.content.decode()


def test_issued_again_the_code_stays_and_the_old_file_is_replaced(client):
    certificate = _issued(_entry())
    old = _pdf(certificate)
    secretariat = SecretariatFactory()

    certificates.reissue(certificate=certificate, by=secretariat, reason="Partner name corrected.")
    assert certificates.issue(certificate.pk)
    certificate.refresh_from_db()
    check = client.post(
        reverse("awards:certificate_check"),
        {"file": SimpleUploadedFile("c.pdf", old, "application/pdf")},
    )

    assert certificate.sha256 != hashlib.sha256(old).hexdigest()
    assert certificate.superseded_files.get().reason == "Partner name corrected."
    assert "replaced by a corrected certificate" in check.content.decode()
    assert "Partner name corrected." in check.content.decode()


def test_revoking_and_issuing_again_need_the_secretariat_and_a_reason():
    certificate = _issued(_entry())

    with pytest.raises(certificates.CertificateRefused, match="secretariat"):
        certificates.revoke(certificate=certificate, by=UserFactory(), reason="x")
    with pytest.raises(certificates.CertificateRefused, match="why"):
        certificates.revoke(certificate=certificate, by=SecretariatFactory(), reason="  ")


def test_members_download_once_published_and_nobody_else(client):
    membership = MembershipFactory()
    entry = _entry()
    Entry.objects.filter(pk=entry.pk).update(organisation=membership.organisation)
    entry.refresh_from_db()
    certificate = _issued(entry)
    url = reverse("awards:certificate_download", args=[certificate.code])

    client.force_login(membership.user)
    mine = client.get(url)
    client.force_login(UserFactory())
    stranger = client.get(url)

    assert mine.status_code == 200 and mine.content == _pdf(certificate)
    assert stranger.status_code == 404


def test_before_publication_only_the_secretariat_downloads(client):
    membership = MembershipFactory()
    entry = _entry(phase="deliberation")
    Entry.objects.filter(pk=entry.pk).update(organisation=membership.organisation)
    entry.refresh_from_db()
    certificate = _issued(entry)
    url = reverse("awards:certificate_download", args=[certificate.code])

    client.force_login(membership.user)
    assert client.get(url).status_code == 404
    assert entry.certificates.exists()
    assert "Certificates" not in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(SecretariatFactory())
    assert client.get(url).status_code == 200


def test_publishing_the_results_issues_the_prizes_and_the_jurys_certificates(
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from awards.services.transitions import change_phase
    from jury.models import Prize
    from tests.factories import JuryMemberFactory

    entry = _entry(phase="deliberation")
    finalist = EntryFactory(edition=entry.edition, title="Ghent and Cuenca", language="es")
    now = timezone.now()
    type(entry.edition).objects.filter(pk=entry.edition.pk).update(
        results_locked_at=now, announcement_at=now - timezone.timedelta(hours=1)
    )
    for kind, holder, name in (
        ("first", entry, ""),
        ("special", entry, "Youth engagement prize"),
        ("finalist", finalist, ""),
    ):
        Prize.objects.create(
            edition=entry.edition,
            entry=holder,
            kind=kind,
            name=name,
            citation="Cited.",
            decided_at=now,
            confirmed_at=now,
        )
    chair = JuryMemberFactory(edition=entry.edition, is_chair=True, accepted_at=now)
    JuryMemberFactory(edition=entry.edition, accepted_at=None)  # declined: no thanks
    entry.edition.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        change_phase(edition=entry.edition, name="publish_results", by=SecretariatFactory())

    issued = {
        (c.kind, c.prize_name, c.language)
        for c in Certificate.objects.exclude(sha256="").order_by("pk")
    }
    assert issued == {
        ("prize", "1st prize", "en"),
        ("special_prize", "Youth engagement prize", "en"),
        ("finalist", "Finalista", "es"),
        ("jury_thanks", "Chair of the jury", chair.user.preferred_language),
    }


# Open Badges ----------------------------------------------------------------------------------


def test_a_prize_carries_an_open_badge_that_verifies_with_the_published_key(client):
    import json

    from jwcrypto import jwk, jws

    certificate = _issued(_entry())
    keys = client.get(reverse("awards:credential_keys")).json()["keys"]
    issuer = client.get(reverse("awards:credential_issuer")).json()
    token = jws.JWS()
    token.deserialize(certificate.credential)
    token.verify(jwk.JWK(**keys[0]))
    credential = json.loads(token.payload)

    assert token.jose_header["alg"] == "EdDSA" and token.jose_header["kid"] == keys[0]["kid"]
    assert "d" not in keys[0]  # the private part is never published
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["issuer"]["id"] == issuer["id"] and issuer["type"] == ["Profile"]
    assert credential["validFrom"].startswith(str(certificate.issued_at.year))
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "1st prize"
    assert achievement["criteria"]["narrative"] and achievement["image"]["id"].startswith("data:")
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Ville de Lyon"
    assert credential["id"] == certificates.verification_url(certificate)


def test_a_credential_signed_with_another_key_or_changed_is_refused(client):
    import json

    from jwcrypto import jwk, jws

    certificate = _issued(_entry())
    url = reverse("awards:credential_check")
    forged = jws.JWS(json.dumps(credentials.payload_of(certificate.credential)).encode())
    forged.add_signature(
        jwk.JWK.generate(kty="OKP", crv="Ed25519"),
        alg="EdDSA",
        protected=json.dumps({"alg": "EdDSA"}),
    )
    head, payload, signature = certificate.credential.split(".")
    tampered = ".".join(
        [head, payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1], signature]
    )

    genuine = client.post(url, {"credential": certificate.credential}).content.decode()
    other_key = client.post(url, {"credential": forged.serialize(compact=True)}).content.decode()
    changed = client.post(url, {"credential": tampered}).content.decode()
    garbage = client.post(url, {"credential": "<script>alert(1)</script>"}).content.decode()

    assert "Valid: signed by the PLATFORMAwards" in genuine
    for refused in (other_key, changed, garbage):
        assert "not signed by the PLATFORMAwards" in refused
    assert "<script>alert(1)</script>" not in garbage


def test_a_revoked_certificates_credential_says_so(client):
    certificate = _issued(_entry())
    certificates.revoke(certificate=certificate, by=SecretariatFactory(), reason="Error.")

    page = client.post(
        reverse("awards:credential_check"), {"credential": certificate.credential}
    ).content.decode()

    assert "the certificate was revoked" in page


def test_jury_thanks_carry_no_badge_and_members_download_the_badge(client):
    membership = MembershipFactory()
    entry = _entry()
    Entry.objects.filter(pk=entry.pk).update(organisation=membership.organisation)
    entry.refresh_from_db()
    prize = _issued(entry)
    thanks = _issued(
        entry,
        kind=Certificate.Kind.JURY_THANKS,
        source="juror:1",
        entry=None,
        person=membership.user,
        recipients=[{"name": "A juror", "country": "", "role": "juror"}],
    )
    client.force_login(membership.user)

    jwt = client.get(reverse("awards:credential_download", args=[prize.code, "jwt"]))
    readable = client.get(reverse("awards:credential_download", args=[prize.code, "json"]))

    assert thanks.credential == ""
    assert jwt.content.decode() == prize.credential
    assert readable.json()["credentialSubject"]["achievement"]["name"] == "1st prize"
    assert (
        client.get(reverse("awards:credential_download", args=[prize.code, "xml"])).status_code
        == 404
    )


# Signatories ----------------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_secretariat_adds_a_signatory_whose_signature_is_on_the_certificate(client):
    entry = _entry()
    client.force_login(SecretariatFactory())
    url = reverse("awards:edition_signatories", args=[entry.edition.slug])

    response = client.post(
        url,
        {
            "add": "1",
            "position": "1",
            "name": "Frédéric Vallier",
            "role": "Secretary General",
            "signature": SimpleUploadedFile("signature.png", _png(), "image/png"),
        },
    )
    certificate = _issued(entry)
    reader = pypdf.PdfReader(io.BytesIO(_pdf(certificate)))

    assert response.status_code == 302
    text = reader.pages[0].extract_text()
    assert "Frédéric Vallier" in text and "Secretary General" in text
    assert len(reader.pages[0].images) >= 1


@pytest.mark.parametrize(
    "name, content",
    [
        ("signature.png", b"<html><script>alert(1)</script></html>"),
        ("signature.png", b"%PDF-1.7\n%%EOF"),
        ("signature.png", b"\x89PNG\r\n\x1a\nbroken"),
    ],
)
def test_a_signature_that_is_not_an_image_is_refused_and_the_rest_is_kept(client, name, content):
    entry = _entry()
    client.force_login(SecretariatFactory())

    response = client.post(
        reverse("awards:edition_signatories", args=[entry.edition.slug]),
        {
            "add": "1",
            "position": "1",
            "name": "Frédéric Vallier",
            "role": "Secretary General",
            "signature": SimpleUploadedFile(name, content, "image/png"),
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Frédéric Vallier"' in page and "invalid-feedback" in page
    assert not entry.edition.signatories.exists()


def test_only_the_secretariat_manages_signatories(client):
    entry = _entry()
    client.force_login(UserFactory())

    response = client.get(reverse("awards:edition_signatories", args=[entry.edition.slug]))

    assert response.status_code == 403


def test_pyhankos_own_validation_passes_the_certificate_and_fails_a_changed_copy(client, tmp_path):
    """What the README tells a verifier to run: `pyhanko sign validate --trust seal.pem
    --trust-replace certificate.pdf`."""
    import subprocess
    import sys

    certificate = _issued(_entry())
    (tmp_path / "seal.pem").write_bytes(client.get(reverse("awards:seal_certificate")).content)
    (tmp_path / "certificate.pdf").write_bytes(_pdf(certificate))
    changed = bytearray(_pdf(certificate))
    changed[len(changed) // 3] ^= 0x01
    (tmp_path / "changed.pdf").write_bytes(bytes(changed))

    def validate(name):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pyhanko",
                "sign",
                "validate",
                "--pretty-print",
                "--trust",
                tmp_path / "seal.pem",
                "--trust-replace",
                tmp_path / name,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )

    genuine, altered = validate("certificate.pdf"), validate("changed.pdf")

    assert genuine.returncode == 0, genuine.stdout + genuine.stderr
    assert "The signer's certificate is trusted." in genuine.stdout
    assert "The signature is cryptographically sound." in genuine.stdout
    assert altered.returncode != 0


def _correct(client, certificate, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("awards:certificate_correct", args=[certificate.edition.slug, certificate.pk]),
            data,
        )


def test_issuing_again_from_the_page_takes_the_corrected_partner_names(
    client, django_capture_on_commit_callbacks
):
    entry = _entry()
    certificate = _issued(entry)
    entry.partners.filter(name=GEORGIAN).update(name="Tbilisi City Hall")
    client.force_login(SecretariatFactory())

    response = _correct(
        client,
        certificate,
        django_capture_on_commit_callbacks,
        prize_name=certificate.prize_name,
        citation=certificate.citation,
        reason="Partner name corrected at its request.",
    )

    certificate.refresh_from_db()
    _pages, text = _text(_pdf(certificate))
    assert response.status_code == 302 and certificate.is_issued
    assert "Tbilisi City Hall" in text and GEORGIAN not in text
    assert certificate.superseded_files.count() == 1


def test_the_secretariat_corrects_the_prize_name_and_citation_before_issuing_again(
    client, django_capture_on_commit_callbacks
):
    entry = _entry()
    certificate = _issued(entry, citation="For water in every districkt.")
    code, old_hash = certificate.code, certificate.sha256
    client.force_login(SecretariatFactory())
    page = client.get(
        reverse("awards:certificate_correct", args=[entry.edition.slug, certificate.pk])
    )
    assert "For water in every districkt." in page.content.decode()

    response = _correct(
        client,
        certificate,
        django_capture_on_commit_callbacks,
        prize_name="Special prize for water",
        citation="For water in every district.",
        reason="Typing error in the citation.",
    )

    certificate.refresh_from_db()
    _pages, text = _text(_pdf(certificate))
    assert response.status_code == 302
    assert certificate.code == code and certificate.sha256 != old_hash
    assert "Special prize for water" in text and "every district." in text
    assert "districkt" not in text
    replaced = certificate.superseded_files.get()
    assert replaced.sha256 == old_hash and replaced.reason == "Typing error in the citation."


def test_a_correction_without_a_reason_keeps_what_was_typed_and_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    entry = _entry()
    certificate = _issued(entry)
    old_hash = certificate.sha256
    client.force_login(SecretariatFactory())

    response = _correct(
        client,
        certificate,
        django_capture_on_commit_callbacks,
        prize_name="A <b>corrected</b> prize",
        citation="Corrected citation",
        reason="",
    )

    certificate.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 200
    assert "A &lt;b&gt;corrected&lt;/b&gt; prize" in body and "Corrected citation" in body
    assert certificate.sha256 == old_hash and not certificate.superseded_files.exists()


def test_a_revoked_certificate_is_not_corrected_and_others_may_not_try(
    client, django_capture_on_commit_callbacks
):
    entry = _entry()
    certificate = _issued(entry)
    url = reverse("awards:certificate_correct", args=[entry.edition.slug, certificate.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403

    secretariat = SecretariatFactory()
    certificates.revoke(certificate=certificate, by=secretariat, reason="Awarded in error.")
    client.force_login(secretariat)
    response = _correct(
        client,
        certificate,
        django_capture_on_commit_callbacks,
        prize_name="x",
        citation="",
        reason="Try anyway.",
    )

    certificate.refresh_from_db()
    assert response.status_code == 302 and certificate.is_revoked
    assert not certificate.superseded_files.exists()


def test_revoking_from_the_page_needs_a_reason(client):
    entry = _entry()
    certificate = _issued(entry)
    client.force_login(SecretariatFactory())
    url = reverse("awards:certificate_revoke", args=[entry.edition.slug, certificate.pk])

    client.post(url, {"reason": ""})
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    client.post(url, {"reason": "Awarded in error."})
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_reason == "Awarded in error."


@pytest.mark.parametrize("partners, name_length", [(6, 200), (30, 200), (30, 12)])
def test_the_longest_texts_the_forms_allow_stay_on_one_page_with_the_qr_code(
    tmp_path, partners, name_length
):
    import zxingcpp
    from PIL import Image

    from core.limits import NOTE_MAX_CHARS

    services.require(shutil.which("pdftoppm") is not None, "pdftoppm is missing (poppler-utils)")
    entry = _entry()
    for n in range(partners):
        PartnerFactory(
            entry=entry, name=(f"{n} " + "W" * 300)[:name_length], country="BR", status="confirmed"
        )
    certificate = _issued(
        entry, citation=("A long citation, " * 200)[:NOTE_MAX_CHARS], prize_name="P" * 200
    )
    pdf = _pdf(certificate)
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", tmp_path / "c.pdf", tmp_path / "page"],
        check=True,
    )

    pages, text = _text(pdf)

    assert pages == 1
    assert certificate.code in text and "P" * 200 in text.replace("\n", "")
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [code.text for code in found] == [certificates.verification_url(certificate)]
    if partners * name_length > 1400:
        assert "more partners, named at the address below" in " ".join(text.split())


def test_a_render_overtaken_by_a_correction_is_not_stored(monkeypatch):
    entry = _entry()
    certificate = _issued(entry)
    certificates.reissue(certificate=certificate, by=SecretariatFactory(), reason="First fix.")
    real = certificates.render_certificate_pdf

    def corrected_meanwhile(rendering):
        pdf = real(rendering)
        # While this worker rendered, the secretariat corrected the prize and asked again.
        certificates.reissue(
            certificate=rendering, by=SecretariatFactory(), reason="Second fix.", prize_name="2nd"
        )
        return pdf

    monkeypatch.setattr(certificates, "render_certificate_pdf", corrected_meanwhile)
    assert not certificates.issue(certificate.pk)
    monkeypatch.setattr(certificates, "render_certificate_pdf", real)

    certificate.refresh_from_db()
    assert not certificate.is_issued
    assert certificates.issue(certificate.pk)
    certificate.refresh_from_db()
    assert "2nd" in _text(_pdf(certificate))[1]


def test_a_fourth_signatory_is_refused_rather_than_left_off_the_page(client):
    entry = _entry()
    for position in range(certificates.MAX_SIGNATORIES):
        entry.edition.signatories.create(position=position, name=f"S{position}", role="R")
    client.force_login(SecretariatFactory())

    response = client.post(
        reverse("awards:edition_signatories", args=[entry.edition.slug]),
        {"add": "1", "position": "9", "name": "One too many", "role": "R"},
    )

    assert response.status_code == 400
    assert "3 signatures at most" in response.content.decode()
    assert entry.edition.signatories.count() == certificates.MAX_SIGNATORIES


def test_removing_a_signatory_removes_the_image_once_committed(
    client, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    entry = _entry()
    signatory = entry.edition.signatories.create(position=1, name="Frédéric Vallier", role="SG")
    signatory.signature.save("s.png", ContentFile(_png()))
    stored = signatory.signature.name
    client.force_login(SecretariatFactory())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("awards:edition_signatories", args=[entry.edition.slug]),
            {"remove": str(signatory.pk)},
        )

    assert not entry.edition.signatories.exists()
    assert not signatory.signature.storage.exists(stored)
