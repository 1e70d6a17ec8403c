"""The headers every response carries, beyond the Content-Security-Policy (django-csp).

- `Permissions-Policy`: the powerful browser features the site never uses (camera,
  microphone, geolocation, payment...) are off, for its pages and anything they embed.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The header's value for {feature: allowed origins}: [] is nobody, ["self"] the site."""
    return ", ".join(
        "{}=({})".format(feature, " ".join(o if o in ("self", "*") else f'"{o}"' for o in origins))
        for feature, origins in features.items()
    )


class HeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(settings.PERMISSIONS_POLICY)
        return response
