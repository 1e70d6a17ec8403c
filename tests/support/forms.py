"""The forms of the site as a person finds them: every address the URL resolver knows, and every
form on a page with what the page fills in and what kind of value each field takes.

The tests that post every form of the site back (tests/config/test_hostile_input.py and
test_fuzzing.py) walk the pages with these; the world behind the addresses is their `site`
fixture (tests/config/conftest.py).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver


@dataclass
class Control:
    """What a field takes, as its markup says: `kind` is the input's type ("text", "number",
    "datetime-local", "file"...) or "select", "textarea", "button"; `options` the values a
    select, a group of check boxes or radio buttons, or the submit buttons of that name offer."""

    kind: str
    options: list[str] = field(default_factory=list)
    maxlength: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    step: str | None = None
    required: bool = False


@dataclass
class Form:
    """A form of a page. `fields` holds what the page fills in (every value of a field, as a
    browser would send them, the first submit button pressed); `controls` every named field,
    the boxes left unticked included. An htmx form's autosave address is a form of its own
    (`htmx`), sharing the fields of the form it saves."""

    method: str
    action: str
    htmx: bool = False
    fields: dict[str, list[str]] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)


class Forms(HTMLParser):
    """Every form of a page (`forms`); `url` is the page's address, where a form without an
    action goes."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._selected = False
        self._textarea: str | None = None

    @classmethod
    def of(cls, page: HttpResponse, url: str) -> list[Form]:
        """The forms of `page`, the answer to a request for `url`; none when it is no HTML."""
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            return []
        parser = cls(url)
        parser.feed(page.content.decode())
        return parser.forms

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "form":
            self._start_form(attributes)
        elif tag == "option" and self._select and self._form is not None:
            self._option(attributes.get("value", ""), selected="selected" in attributes)
        elif self._form is None or not name or name == "csrfmiddlewaretoken":
            return
        elif tag == "input":
            self._input(name, attributes)
        elif tag == "button" and attributes.get("type", "submit") == "submit":
            self._add(name, "button", option=attributes.get("value", ""))
            self._form.fields.setdefault(name, [attributes.get("value", "")])
        elif tag == "select":
            self._select, self._selected = name, False
            self._add(name, "select", required="required" in attributes)
        elif tag == "textarea":
            self._textarea = name
            self._add(
                name,
                "textarea",
                maxlength=attributes.get("maxlength"),
                required="required" in attributes,
            )
            self._form.fields[name] = [""]

    def _start_form(self, attributes: dict[str, str]) -> None:
        self._form = Form(
            method=(attributes.get("method") or "get").lower(),
            action=attributes.get("action") or self.url,
        )
        self.forms.append(self._form)
        if attributes.get("data-hx-post"):
            autosave = Form("post", attributes["data-hx-post"], htmx=True)
            autosave.fields, autosave.controls = self._form.fields, self._form.controls
            self.forms.append(autosave)

    def _option(self, value: str, *, selected: bool) -> None:
        # A browser sends the first option when none is selected.
        self._form.controls[self._select].options.append(value)
        if selected and not self._selected:
            self._form.fields[self._select] = [value]
        elif selected:
            self._form.fields[self._select].append(value)
        elif self._select not in self._form.fields:
            self._form.fields[self._select] = [value]
        self._selected = self._selected or selected

    def _input(self, name: str, attributes: dict[str, str]) -> None:
        kind = attributes.get("type", "text").lower()
        value = attributes.get("value")
        if kind in ("checkbox", "radio"):
            self._add(name, kind, option=value or "on")
            if "checked" in attributes:
                self._form.fields.setdefault(name, []).append(value or "on")
        elif kind == "submit":
            self._add(name, "button", option=value or "")
            self._form.fields.setdefault(name, [value or ""])
        else:
            self._add(
                name,
                kind,
                maxlength=attributes.get("maxlength"),
                minimum=attributes.get("min"),
                maximum=attributes.get("max"),
                step=attributes.get("step"),
                required="required" in attributes,
            )
            self._form.fields.setdefault(name, []).append(value or "")

    def _add(
        self,
        name: str,
        kind: str,
        *,
        option: str | None = None,
        maxlength: str | None = None,
        required: bool = False,
        **limits: str | None,
    ) -> None:
        control = self._form.controls.setdefault(name, Control(kind))
        control.required = control.required or required
        if option is not None and option not in control.options:
            control.options.append(option)
        if maxlength and maxlength.isdigit():
            control.maxlength = int(maxlength)
        for limit, text in limits.items():
            if text:
                setattr(control, limit, text)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            # As in a browser, a newline right after <textarea> is not part of the text.
            values = self._form.fields[self._textarea]
            values[-1] = values[-1].removeprefix("\n")
            self._textarea = None


def routes(resolver=None, prefix="") -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every URL of the site but the admin."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(pattern, URLResolver):
            found += routes(pattern, route)
        else:
            found.append((route, pattern))
    return found


def address(route: str, kwargs: dict) -> str:
    """The address of `route` (a pattern with its prefixes) with `kwargs` in place, whatever
    the converter (<int:pk>, <reference:reference>, <slug>)."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda part: str(kwargs.get(part[1], part[0])), route)
