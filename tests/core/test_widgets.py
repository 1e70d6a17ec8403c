"""The country select shows what Django's own select would, without a template per option."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.test.signals import template_rendered
from django.utils import translation
from django_countries import Countries, countries

from awards.forms.entries import PartnerForm
from core.widgets import CountrySelect


class Parsed(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.select: dict = {}
        self.options: list[tuple[str, str, bool]] = []
        self._option: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.select = dict(attrs)
        elif tag == "option":
            self._option = {**dict(attrs), "label": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["label"] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            option = self._option
            self.options.append((option["value"], option["label"], "selected" in option))
            self._option = None


CHOICES = [("", "Any country"), *countries, ("X&Y", '<b>Odd</b> & "quoted"')]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("value", [None, "", "SN", "X&Y", "ZZ"])
def test_the_same_options_and_attributes_as_djangos_select(language, value):
    attrs = {"id": "id_country", "class": "form-select", "required": True, "aria-invalid": "true"}
    with translation.override(language):
        choices = [(key, str(label)) for key, label in CHOICES]
        ours = CountrySelect(choices=choices).render("country", value, attrs=attrs)
        django = forms.Select(choices=choices).render("country", value, attrs=attrs)

    assert Parsed(ours).select == Parsed(django).select
    assert Parsed(ours).options == Parsed(django).options
    assert len(Parsed(ours).options) == len(CHOICES)


def test_a_partners_country_is_rendered_without_a_template_per_option():
    rendered = []

    def seen(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        html = str(PartnerForm(initial={"country": "SN"})["country"])
    finally:
        template_rendered.disconnect(seen)

    assert not [name for name in rendered if name and name.endswith("select_option.html")]
    [(value, label, _selected)] = [o for o in Parsed(html).options if o[2]]
    assert (value, label) == ("SN", "Senegal")


@pytest.mark.django_db
def test_a_partners_country_is_checked_against_the_country_list(monkeypatch):
    """Without walking the list's choices, which builds each of them again."""

    def form(country):
        return PartnerForm(
            data={
                "name": "Dakar",
                "country": country,
                "contact_name": "A",
                "contact_email": "a@b.sn",
            }
        )

    def walked(self):
        raise AssertionError("the country choices were walked")

    monkeypatch.setattr(Countries, "__iter__", walked)
    assert form("SN").is_valid()
    refused = form("ZZ")
    assert not refused.is_valid()
    assert refused.errors["country"][0].startswith("Select a valid choice.")


def test_every_country_to_choose_in_a_form_or_filter_is_a_country_select():
    """Each form and filter of the project (found by importing every app's forms and filters)
    offers its countries through CountrySelect: Django's own select took 24 ms a page."""
    import importlib
    import inspect
    import pkgutil

    import django_filters

    def modules():
        for app in ("accounts", "awards", "jury", "notifications", "showcase", "core"):
            package = importlib.import_module(app)
            for info in pkgutil.walk_packages(package.__path__, f"{app}."):
                if info.name.rsplit(".", 1)[-1] in ("forms", "filters") or ".forms." in info.name:
                    yield importlib.import_module(info.name)

    seen = []
    for module in modules():
        for _name, kind in inspect.getmembers(module, inspect.isclass):
            if kind.__module__ != module.__name__:
                continue
            if issubclass(kind, forms.BaseForm):
                fields = {name: field.widget for name, field in kind.base_fields.items()}
            elif issubclass(kind, django_filters.FilterSet):
                fields = {name: f.field.widget for name, f in kind.base_filters.items()}
            else:
                continue
            for name, widget in fields.items():
                if "country" in name and isinstance(widget, forms.Select):
                    seen.append((kind.__name__, name, type(widget).__name__))

    assert ("ScreeningFilter", "country", "CountrySelect") in seen
    assert len(seen) >= 6
    assert [row for row in seen if row[2] != "CountrySelect"] == []
