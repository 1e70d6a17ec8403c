from django import template
from django_countries import countries

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """A country's name in the page's language, from its ISO code ("" for none)."""
    return str(countries.name(code)) if code else ""
