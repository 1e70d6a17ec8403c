"""PDF rendering with WeasyPrint, from our own templates and assets only, within a budget.

WeasyPrint is imported inside the functions: it is heavy and only these pages need it.

A render runs in a child process (forked, so WeasyPrint loaded once is not loaded again) that
is stopped once it has taken settings.PDF_RENDER_SECONDS: no entry, however it is written, keeps
a worker busy past that. HTML longer than settings.PDF_MAX_HTML_CHARS is not rendered at all,
and a PDF larger than settings.PDF_MAX_BYTES is not handed out. Each refusal is a `PdfRefused`
with a message for the person who asked.
"""

import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.refusals import Refused

from .models import Entry


class PdfRefused(Refused):
    """A PDF that is not made: too long to render, too slow, or too large to hand out."""


def asset_folder() -> Path:
    return Path(settings.BASE_DIR, "static", "pdf").resolve()


def make_fetcher():
    from weasyprint.urls import URLFetcher

    class OwnAssetsFetcher(URLFetcher):
        """Loads `data:` URLs and files of our PDF asset folder; refuses everything else.

        A template or an applicant's text must never make the server read another file or
        call the network.
        """

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(asset_folder()) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"Resource refused: {url[:200]}")

    return OwnAssetsFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def render_pdf(html: str, *, font_config=None) -> bytes:
    """The PDF of `html`, or PdfRefused when it is beyond the budget (see the module).
    `font_config`, a WeasyPrint FontConfiguration with its fonts loaded already, spares the
    child loading them again (see awards.certificates)."""
    if len(html) > settings.PDF_MAX_HTML_CHARS:
        raise PdfRefused(
            _(
                "This document is too long to be made into a PDF here. Its page can still be "
                "printed or saved as PDF from your browser."
            )
        )
    import weasyprint  # noqa: F401  loaded here, so that the child process inherits it

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_into, args=(html, sender, font_config), daemon=True)
    child.start()
    sender.close()
    try:
        return _received(receiver, seconds=settings.PDF_RENDER_SECONDS)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _received(receiver: Connection, *, seconds: float) -> bytes:
    """The PDF the child sends within `seconds` and the size budget; PdfRefused otherwise."""
    if not receiver.poll(seconds):
        raise PdfRefused(
            _(
                "Making this PDF took too long, so it was stopped. Try again in a while; the "
                "page can still be printed or saved as PDF from your browser."
            )
        )
    try:
        pdf = receiver.recv_bytes(maxlength=settings.PDF_MAX_BYTES)
    except OSError as error:  # larger than maxlength
        raise PdfRefused(
            _(
                "This PDF would be larger than %(limit)s, so it is not offered. The page can "
                "still be printed or saved as PDF from your browser."
            )
            % {"limit": filesizeformat(settings.PDF_MAX_BYTES)}
        ) from error
    except EOFError as error:  # the child ended without sending
        raise PdfRefused(_("This PDF could not be made. Try again in a while.")) from error
    return pdf


def _render_into(html: str, sender: Connection, font_config) -> None:
    """In the child process: render, send the PDF, end (an exception ends it unsent)."""
    sender.send_bytes(write_pdf(html, font_config=font_config))
    sender.close()


def write_pdf(html: str, *, font_config=None) -> bytes:
    """WeasyPrint's rendering itself, without a budget: call `render_pdf`."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=asset_folder().as_uri() + "/", url_fetcher=make_fetcher())
    return document.write_pdf(font_config=font_config)


def render_entry_pdf(entry: Entry) -> bytes:
    """The read-only copy of an entry, in the language it was written in where the site has it."""
    language = entry.language if entry.language in dict(settings.LANGUAGES) else None
    with translation.override(language or translation.get_language()):
        html = render_to_string(
            "awards/entry_pdf.html",
            {
                "entry": entry,
                "css": (asset_folder() / "entry.css").as_uri(),
            },
        )
    return render_pdf(html)
