"""The Atom feed of newly published entries, and the sitemap of the public site."""

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from awards.models import Edition, Entry

from . import selectors


class NewEntriesFeed(Feed):
    feed_type = Atom1Feed
    title = _("PLATFORMAwards: best practices published")
    subtitle = _("Partnerships of towns and regions published with the results of the awards.")

    def link(self) -> str:
        return reverse("showcase:gallery")

    def items(self):
        return selectors.newest_entries()

    def item_title(self, item: Entry) -> str:
        return f"{item.title} ({item.organisation.name}, {item.edition.title})"

    def item_description(self, item: Entry) -> str:
        return item.summary

    def item_link(self, item: Entry) -> str:
        return reverse("showcase:entry", args=[item.reference])

    def item_pubdate(self, item: Entry):
        return item.published_at

    def item_updateddate(self, item: Entry):
        return item.published_at

    def item_categories(self, item: Entry) -> list[str]:
        return [selectors.prize_label(prize) for prize in item.prizes.all()]


class EntrySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return selectors.public_entries().order_by("pk")

    def location(self, item: Entry) -> str:
        return reverse("showcase:entry", args=[item.reference])

    def lastmod(self, item: Entry):
        return item.published_at


class ResultsSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return selectors.public_editions().order_by("pk")

    def location(self, item: Edition) -> str:
        return reverse("showcase:results", args=[item.slug])


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["home", "showcase:gallery", "showcase:results_index"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PagesSitemap, "results": ResultsSitemap, "entries": EntrySitemap}
