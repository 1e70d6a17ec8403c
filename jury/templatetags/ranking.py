"""How the ranking's figures read on a page: numbers, the strip of an entry's scores, and one
sentence on how far the jury's agreement lets the ranking be trusted."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

STRIP_WIDTH = 140
STRIP_HEIGHT = 18
STRIP_MARGIN = 5


@register.filter
def figure(value: object, places: int = 2) -> str:
    """A figure rounded for reading (the exports keep every decimal); a dash when undefined
    (None, or nothing at all: an entry not scored has no figures)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return number_format(round(value, places), decimal_pos=places)


@register.simple_tag
def score_strip(values: list[float]) -> SafeString:
    """The entry's evaluation scores as dots on a 0 to 10 line, drawn on the server (no
    script); the same scores in words for a screen reader."""
    span = STRIP_WIDTH - 2 * STRIP_MARGIN
    middle = STRIP_HEIGHT // 2
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3.5"></circle>',
        ((f"{STRIP_MARGIN + value / 10 * span:.1f}", middle) for value in values),
    )
    label = _("Scores on 0 to 10: %(scores)s") % {
        "scores": ", ".join(figure(value, 1) for value in values)
    }
    return format_html(
        '<svg class="score-strip" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}"><line x1="{m}" y1="{mid}" x2="{end}" y2="{mid}"></line>{dots}</svg>',
        w=STRIP_WIDTH,
        h=STRIP_HEIGHT,
        m=STRIP_MARGIN,
        end=STRIP_WIDTH - STRIP_MARGIN,
        mid=middle,
        label=label,
        dots=dots,
    )


@register.simple_tag
def agreement_reading(alpha: float | None) -> str:
    """How far the jurors' agreement lets the ranking be trusted, in one sentence (the usual
    reading of Krippendorff's alpha: 0.8 and above reliable, 0.667 the lowest tentative)."""
    if alpha is None:
        return _(
            "Krippendorff's alpha cannot be computed yet: it needs at least two entries with "
            "two evaluations each, and scores that vary."
        )
    if alpha >= 0.8:
        return _("The jurors agree well (alpha of 0.8 or more): the ranking can be relied on.")
    if alpha >= 0.667:
        return _(
            "The jurors agree moderately (alpha between 0.667 and 0.8): read close ranks with care."
        )
    return _(
        "The jurors agree little (alpha under 0.667): discuss the entries they disagree on "
        "before relying on the ranking."
    )


@register.filter
def rank_of(figures: object, method: str) -> int | None:
    ranks = getattr(figures, "ranks", {})
    return ranks.get(method)


@register.filter
def tied_on(figures: object, method: str) -> bool:
    return method in getattr(figures, "tied", set())
