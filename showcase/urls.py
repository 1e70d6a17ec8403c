from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter
from django.views.decorators.http import require_GET

from . import views
from .feeds import SITEMAPS, NewEntriesFeed

app_name = "showcase"


class ReferenceConverter:
    """An entry's reference as its page's address writes it: PA2024-0003."""

    regex = "PA[0-9]{4}-[0-9]{4,6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")

urlpatterns = [
    path("results/", views.results_index, name="results_index"),
    path("editions/past/import/", views.import_past_editions, name="import"),
    path("results/<slug:slug>/", views.edition_results, name="results"),
    path("gallery/", views.gallery, name="gallery"),
    path("gallery/entries.csv", views.gallery_csv, name="gallery_csv"),
    path("gallery/world.svg", views.world_map, name="world_map"),
    path("gallery/feed.atom", login_not_required(NewEntriesFeed()), name="feed"),
    path("gallery/<reference:reference>/", views.entry_page, name="entry"),
    path("gallery/<reference:reference>/files/<int:pk>/", views.entry_file, name="file"),
    path(
        "sitemap.xml",
        login_not_required(require_GET(sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots, name="robots"),
]
