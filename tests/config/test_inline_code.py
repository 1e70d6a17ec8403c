"""No page template carries inline script or style: every page runs under a
Content-Security-Policy without 'unsafe-inline', where the browser would refuse them.

Mail templates (templates/notifications/email/) are exempt: mail clients need inline styles,
and the secretariat's preview shows them under a policy of their own.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
MAIL = TEMPLATES / "notifications" / "email"
# Blocks of data that a script may read, never run: not subject to script-src.
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}
TEMPLATE_TAG = re.compile(r"{%.*?%}|{#.*?#}", re.DOTALL)


class InlineCodeFinder(HTMLParser):
    """Collects what a strict policy would refuse: inline <script> and <style>, style=
    attributes, on*= handlers, htmx's hx-on (evaluated code) and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "style":
            self.found.append(f"line {self.getpos()[0]}: <style>")
        if tag == "script" and "src" not in values and values.get("type") not in DATA_BLOCK_TYPES:
            self.found.append(f"line {self.getpos()[0]}: <script> without src")
        for name, value in attrs:
            if name == "style" or re.fullmatch(r"on[a-z]+|hx-on.*|data-hx-on.*", name):
                self.found.append(f"line {self.getpos()[0]}: {name}=")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"line {self.getpos()[0]}: {name}=javascript:")

    handle_startendtag = handle_starttag


def inline_code(source: str) -> list[str]:
    # Template tags become blanks (keeping line numbers) so that attributes written inside
    # {% if %} ... {% endif %} are read as the attributes they are.
    finder = InlineCodeFinder()
    finder.feed(TEMPLATE_TAG.sub(lambda tag: "\n" * tag.group().count("\n") + " ", source))
    finder.close()
    return finder.found


PAGE_TEMPLATES = sorted(path for path in TEMPLATES.rglob("*.html") if not path.is_relative_to(MAIL))


def test_page_templates_are_found():
    names = {path.relative_to(TEMPLATES).as_posix() for path in PAGE_TEMPLATES}

    assert {"base.html", "jury/progress.html", "notifications/preview.html"} <= names
    assert not any(name.startswith("notifications/email/") for name in names)


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_page_template_has_no_inline_script_or_style(path):
    assert inline_code(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("<p style='color: red'>x</p>", ["line 1: style="]),
        ('<p>\n<div\n  class="a"\n  style="width: 5%">', ["line 2: style="]),
        ("<style>p {}</style>", ["line 1: <style>"]),
        ("<script>alert(1)</script>", ["line 1: <script> without src"]),
        ('<script type="module">go()</script>', ["line 1: <script> without src"]),
        ('<button onclick="go()">', ["line 1: onclick="]),
        ('<img src="x.png" onerror="go()" />', ["line 1: onerror="]),
        ('<form hx-on:submit="go()">', ["line 1: hx-on:submit="]),
        ('<a href="javascript:go()">', ["line 1: href=javascript:"]),
        ('<a href="/"{% if current %} style="font-weight: bold"{% endif %}>', ["line 1: style="]),
        ("<script src=\"{% static 'js/a.js' %}\" defer></script>", []),
        ('<script id="data" type="application/json">{"a": 1}</script>', []),
        ('<p data-width="40" class="only">once upon a time</p>', []),
    ],
)
def test_inline_code_finder_reads_what_a_strict_policy_refuses(source, found):
    assert inline_code(source) == found


class BareHtmxFinder(HTMLParser):
    """htmx attributes written hx-*: not HTML (the Nu checker refuses them); htmx reads the
    same as data-hx-*."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [f"line {self.getpos()[0]}: {n}=" for n, _v in attrs if n.startswith("hx-")]

    handle_startendtag = handle_starttag


def bare_htmx(source: str) -> list[str]:
    finder = BareHtmxFinder()
    finder.feed(TEMPLATE_TAG.sub(lambda tag: "\n" * tag.group().count("\n") + " ", source))
    finder.close()
    return finder.found


def test_a_bare_htmx_attribute_is_found():
    assert bare_htmx('<div {% if x %}hx-get="/a"{% endif %} data-hx-swap="x">') == [
        "line 1: hx-get="
    ]


@pytest.mark.parametrize(
    "template", PAGE_TEMPLATES, ids=lambda p: p.relative_to(TEMPLATES).as_posix()
)
def test_page_template_writes_htmx_attributes_as_data_attributes(template):
    assert bare_htmx(template.read_text(encoding="utf-8")) == []
