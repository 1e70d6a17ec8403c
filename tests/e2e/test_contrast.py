"""Links and outline buttons stay readable (WCAG 2.1 AA contrast) on every tinted background
the site's pages use: each alert and each contextual table row, with the site's own CSS."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STYLESHEETS = [
    ROOT / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css",
    ROOT / "static" / "css" / "site.css",
]
TINTS = ["primary", "secondary", "success", "danger", "warning", "info", "light"]


def sample(tint: str) -> str:
    inside = (
        '<a href="#x">a link</a> '
        '<button class="btn btn-link">a link button</button> '
        '<button class="btn btn-outline-primary">an outline button</button> '
        '<button class="btn btn-outline-secondary">a quiet button</button>'
    )
    return (
        f'<div class="alert alert-{tint}">{inside}</div>'
        f'<table class="table"><tbody><tr class="table-{tint}"><td>{inside}</td></tr>'
        "</tbody></table>"
    )


def test_links_and_outline_buttons_on_every_tint_pass_contrast(page):
    body = "".join(sample(tint) for tint in TINTS)
    page.set_content(f'<!doctype html><html lang="en"><title>Tints</title><main>{body}</main>')
    for stylesheet in STYLESHEETS:
        page.add_style_tag(content=stylesheet.read_text())

    options = {"runOnly": {"type": "rule", "values": ["color-contrast"]}}
    violations = Axe().run(page, options=options).response["violations"]

    failing = [" ".join(node["target"]) for v in violations for node in v["nodes"]]
    assert failing == []
