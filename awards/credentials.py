"""Open Badges 3.0 credentials of prize and finalist certificates: a W3C Verifiable
Credential 2.0 of type OpenBadgeCredential, signed as a VC-JWT (JWS compact, EdDSA with an
Ed25519 key). The issuer's profile and public key set are published at stable URLs, so a
wallet or a website can check a credential without us; our own check also reads its status.
"""

import base64
import dataclasses
import functools
import json
import os
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import Certificate

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
BADGED_KINDS = (
    Certificate.Kind.PRIZE,
    Certificate.Kind.SPECIAL_PRIZE,
    Certificate.Kind.FINALIST,
)
# A pasted credential longer than this is not one of ours (they are a few kB).
MAX_CREDENTIAL_CHARS = 50_000


class KeyMissing(Exception):
    """The credential signing key is not where the settings say."""


def key_file() -> Path:
    return Path(settings.CREDENTIAL_KEY_FILE)


def make_key() -> str:
    """A new Ed25519 private key as a JWK (JSON)."""
    from jwcrypto import jwk

    key = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    return key.export_private()


def write_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(make_key())


@functools.lru_cache(maxsize=4)
def _load(path: str, modified: float):
    from jwcrypto import jwk

    return jwk.JWK.from_json(Path(path).read_text())


def signing_key():
    path = key_file()
    if not path.is_file():
        raise KeyMissing(
            f"The credential key is missing ({path}): run “python manage.py create_seal”, or "
            f"set CREDENTIAL_KEY_FILE."
        )
    return _load(str(path), path.stat().st_mtime)


def key_id() -> str:
    return signing_key().thumbprint()


def public_key_set() -> dict:
    """The JWK set a verifier fetches (public parts only)."""
    public = json.loads(signing_key().export_public())
    return {"keys": [{**public, "kid": key_id(), "use": "sig", "alg": "EdDSA"}]}


def issuer_url() -> str:
    return settings.SITE_URL + reverse("awards:credential_issuer")


def issuer_profile() -> dict:
    return {
        "@context": CONTEXTS,
        "id": issuer_url(),
        "type": ["Profile"],
        "name": settings.CREDENTIAL_ISSUER_NAME,
        "url": settings.SITE_URL + "/",
        "description": "PLATFORMAwards",
    }


def credential_of(certificate: Certificate) -> dict:
    """The OpenBadgeCredential of an issued prize or finalist certificate, in its language."""
    from .certificates import verification_url

    edition = certificate.edition
    lead = certificate.lead or {"name": ""}
    with translation.override(certificate.language):
        description = certificate.citation or _("%(prize)s of the %(edition)s") % {
            "prize": certificate.prize_name,
            "edition": edition.title,
        }
        narrative = _(
            "Awarded by the jury of the %(edition)s to a partnership of local and regional "
            "governments, after eligibility screening, scoring against the published criteria "
            "and the jury's deliberation."
        ) % {"edition": edition.title}
    return {
        "@context": CONTEXTS,
        "id": verification_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer_url(),
            "type": ["Profile"],
            "name": settings.CREDENTIAL_ISSUER_NAME,
        },
        "validFrom": certificate.issued_at.isoformat(timespec="seconds"),
        "name": f"{certificate.prize_name} — {edition.title}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": lead["name"],
                }
            ],
            "achievement": {
                "id": f"{settings.SITE_URL}/calls/{edition.slug}/#{certificate.kind}",
                "type": ["Achievement"],
                "achievementType": "Award",
                "name": certificate.prize_name,
                "description": description,
                "criteria": {"narrative": narrative},
                "image": {"id": badge_image(certificate), "type": "Image"},
            },
        },
    }


def badge_image(certificate: Certificate) -> str:
    """A small badge drawn for the credential, as an SVG data: URL (no request to make)."""
    colour = {"finalist": "#5a6b7d", "special_prize": "#7a4f9a"}.get(certificate.kind, "#b8860b")
    title = escape(certificate.prize_name[:40])
    year = certificate.edition.year
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        f'<circle cx="128" cy="128" r="120" fill="{colour}"/>'
        '<circle cx="128" cy="128" r="104" fill="none" stroke="#fff" stroke-width="4"/>'
        '<text x="128" y="112" font-family="sans-serif" font-size="22" fill="#fff" '
        'text-anchor="middle">PLATFORMAwards</text>'
        f'<text x="128" y="148" font-family="sans-serif" font-size="18" fill="#fff" '
        f'text-anchor="middle">{title}</text>'
        f'<text x="128" y="182" font-family="sans-serif" font-size="22" fill="#fff" '
        f'text-anchor="middle">{year}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def sign(credential: dict) -> str:
    """The credential as a VC-JWT: JWS compact serialisation, EdDSA."""
    from jwcrypto import jws

    token = jws.JWS(json.dumps(credential, ensure_ascii=False).encode())
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": key_id()}
    token.add_signature(signing_key(), alg="EdDSA", protected=json.dumps(header))
    return token.serialize(compact=True)


def payload_of(token: str) -> dict:
    """The credential a VC-JWT of ours carries (its signature is ours: we stored it)."""
    from jwcrypto import jws

    parsed = jws.JWS()
    parsed.deserialize(token)
    return json.loads(parsed.objects["payload"])


@dataclasses.dataclass(frozen=True)
class CredentialCheck:
    signed_by_us: bool
    credential: dict | None
    certificate: Certificate | None
    # The certificate was issued again since: this credential is an earlier one.
    replaced: bool


def check(pasted: str, *, public_key=None) -> CredentialCheck:
    """Whether a pasted VC-JWT carries our signature, and the status of its certificate."""
    from jwcrypto import jwk, jws
    from jwcrypto.common import JWException

    from .certificates import published

    text = "".join(pasted.split())
    key = public_key or jwk.JWK.from_json(json.dumps(public_key_set()["keys"][0]))
    token = jws.JWS()
    token.allowed_algs = ["EdDSA"]
    try:
        token.deserialize(text)
        token.verify(key)
        credential = json.loads(token.payload)
    except (JWException, ValueError, TypeError, UnicodeDecodeError):
        return CredentialCheck(False, None, None, False)
    if not isinstance(credential, dict):
        return CredentialCheck(False, None, None, False)
    code = str(credential.get("id", "")).rstrip("/").rsplit("/", 1)[-1]
    certificate = published(code)
    replaced = certificate is not None and certificate.credential != text
    return CredentialCheck(True, credential, certificate, replaced)
