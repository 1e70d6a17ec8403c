"""The headers every response carries, beyond the Content-Security-Policy (django-csp).

- `Permissions-Policy`: the powerful browser features the site never uses (camera,
  microphone, geolocation, payment...) are off, for its pages and anything they embed.
- `Cache-Control: private, no-store` on every response that says nothing of its own caching.
  Nearly every page shows someone's entry, scores or mail, and the pages reached by a signed
  link (a partner's confirmation, an invitation) are private without any session: a browser
  on a shared office computer must not keep them on disk, nor show them again from its
  history after the person signed out, and no proxy may keep a copy. A page that may be
  cached (a public results page) says so itself (`cache_control(public=True, ...)`,
  `cache_page`), and that is left as it is; static files carry whitenoise's own.
- `private_document` marks a download (an entry's PDF, an attachment, an export) as never to
  be stored, whatever the defaults above become.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

View = Callable[..., HttpResponseBase]


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The header's value for {feature: allowed origins}: [] is nobody, ["self"] the site."""
    return ", ".join(
        "{}=({})".format(feature, " ".join(o if o in ("self", "*") else f'"{o}"' for o in origins))
        for feature, origins in features.items()
    )


class HeadersMiddleware:
    """The Permissions-Policy on every response, and `private, no-store` on every response
    that sets no caching of its own (see the module's docstring for why)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(settings.PERMISSIONS_POLICY)
        if "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        return response


def private_document(view: View) -> View:
    """The view's response is stored by no cache, shared or the browser's own."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped
