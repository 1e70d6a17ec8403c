"""PDF rendering with WeasyPrint, from our own templates and assets only.

WeasyPrint is imported inside the functions: it is heavy and only these pages need it.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Entry


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


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=asset_folder().as_uri() + "/", url_fetcher=make_fetcher())
    return document.write_pdf()


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
