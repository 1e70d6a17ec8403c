"""Signed links: what a link mailed to a person carries, signed so that nobody can forge or
change it, and valid for a while.

Each kind of link (a partner's confirmation, an invitation, an address confirmation) is one
`SignedLink` with its own salt, so that a token of one kind is never accepted as another.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from .refusals import Refused


class LinkInvalid(Refused):
    """A link that cannot be used: forged, cut short, expired, or no longer pointing at
    anything. Each kind of link may raise a refusal of its own app instead (`refusal`)."""


@dataclass(frozen=True)
class SignedLink:
    salt: str
    max_age: datetime.timedelta
    # What the person reads when the link has expired, and when it is not genuine.
    expired: str | Promise
    invalid: str | Promise
    refusal: type[Refused] = LinkInvalid

    def make(self, **values: object) -> str:
        """A token carrying `values` (JSON-serialisable), signed and dated now."""
        return signing.dumps(values, salt=self.salt)

    def read(self, token: str) -> dict:
        """What the token carries; `refusal` with the `expired` message past `max_age`, with
        the `invalid` one when the token was not made by `make` for this kind of link."""
        try:
            values = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired as error:
            raise self.refusal(self.expired) from error
        except signing.BadSignature as error:
            raise self.refusal(self.invalid) from error
        if not isinstance(values, dict):
            raise self.refusal(self.invalid)
        return values


def link_unusable(
    request: HttpRequest,
    problem: Refused,
    *,
    heading: str | Promise | None = None,
    template: str = "link_invalid.html",
    status: int = 404,
) -> HttpResponse:
    """The page a person reaches through a link that cannot be used: what is wrong with it,
    under `heading` ("This link cannot be used" when none is given)."""
    return render(request, template, {"problem": problem, "heading": heading}, status=status)
