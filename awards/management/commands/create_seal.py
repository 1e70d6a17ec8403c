"""Make a self-signed seal for certificates and a key for their credentials, for the demo and
tests (production uses the programme's own PKCS#12 file, named by CERTIFICATE_SEAL_FILE, and
its own key, named by CREDENTIAL_KEY_FILE)."""

import datetime
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from awards import credentials
from awards.certificates import seal_file


class Command(BaseCommand):
    help = (
        "Create a self-signed seal (PKCS#12) at CERTIFICATE_SEAL_FILE for signing certificates, "
        "and an Ed25519 key at CREDENTIAL_KEY_FILE for their Open Badges credentials."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Replace a seal that exists already."
        )
        parser.add_argument("--years", type=int, default=10, help="How long it is valid.")
        parser.add_argument(
            "--name", default="PLATFORMAwards certificates (test seal)", help="Its common name."
        )

    def handle(self, *args, force: bool, years: int, name: str, **options):
        key = credentials.key_file()
        if force or not key.exists():
            credentials.write_key(key)
            self.stdout.write(self.style.SUCCESS(f"Credential signing key created at {key}."))
        path = seal_file()
        if path.exists() and not force:
            self.stdout.write(f"A seal exists already at {path}; --force replaces it.")
            return
        if not 1 <= years <= 50:
            raise CommandError("--years must be between 1 and 50.")
        path.parent.mkdir(parents=True, exist_ok=True)
        data = make_seal(name=name, years=years, password=settings.CERTIFICATE_SEAL_PASSWORD)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        self.stdout.write(self.style.SUCCESS(f"Seal created at {path}."))


def make_seal(*, name: str, years: int, password: str) -> bytes:
    """A PKCS#12 file holding a new RSA key and a self-signed certificate for document
    signing."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "PLATFORMA"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(b"seal", key, certificate, None, encryption)
