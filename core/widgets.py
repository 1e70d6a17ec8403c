"""Widgets of the project's own."""

import functools

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

Choices = tuple[tuple[str, str], ...]
OPTION = '\n  <option value="{}"{}>{}</option>'
SELECTED = mark_safe(" selected")


class CountrySelect(forms.Select):
    """A select of the countries that renders its options in Python, not each through Django's
    option template: some 250 of them took 24 ms on every page with a country to choose (an
    entry's partners, an organisation, a juror's profile, the gallery's filter). The same
    options, the same attributes; no option groups."""

    def render(
        self, name: str, value: object, attrs: dict | None = None, renderer: object = None
    ) -> SafeString:
        # Widget.get_context, not ChoiceWidget's, which builds a context for each option.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        choices = tuple((str(key), str(label)) for key, label in self.choices)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(widget["attrs"]),
            options_html(choices, widget["value"]),
        )


def options_html(choices: Choices, selected: list[str]) -> SafeString:
    """The <option>s of `choices`, the first of `selected` among them selected."""
    index, plain, chosen = _rendered(choices)
    options = list(plain)
    for value in selected:
        if value in index:
            options[index[value]] = chosen[index[value]]
            break
    return mark_safe("".join(options))  # each option is built by format_html


@functools.lru_cache(maxsize=64)
def _rendered(choices: Choices) -> tuple[dict[str, int], tuple[str, ...], tuple[str, ...]]:
    """Each option of `choices` rendered plain and selected, once per list (and so per
    language, the labels being translated)."""
    index: dict[str, int] = {}
    for position, (value, _label) in enumerate(choices):
        index.setdefault(value, position)
    plain = tuple(format_html(OPTION, value, "", label) for value, label in choices)
    chosen = tuple(format_html(OPTION, value, SELECTED, label) for value, label in choices)
    return index, plain, chosen
