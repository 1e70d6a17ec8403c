"""The small map of a partnership on its public page, drawn here as SVG: no tiles, no script,
nothing asked of another host.

The countries come from Natural Earth's 1:50m boundaries as the npm package world-atlas
ships them (TopoJSON, in node_modules like the site's other front-end libraries), drawn in the
Equal Earth projection. The world is one SVG file every entry page shows (`world_svg`, kept by
browsers); each page adds only its own countries over it, with a line from the lead's country
to each partner's (`PartnerMap`).
"""

import functools
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django_countries import countries

from awards.templatetags.certificates import country_name

ATLAS = settings.BASE_DIR / "node_modules" / "world-atlas" / "countries-50m.json"
WIDTH = 800
NORTH, SOUTH = 84.0, -57.0  # what is drawn: from the Arctic to Cape Horn (no Antarctica)
SMALLEST = 2.0  # a ring smaller than this, in square units of the drawing, is left out
STEP = 1.5  # the shortest side of a ring drawn, in units of the drawing
# The Equal Earth projection's coefficients (Šavrič, Patterson and Jenny, 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
ROOT3 = math.sqrt(3)


def _equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude in degrees as x, y in the projection's own units."""
    theta = math.asin(ROOT3 / 2 * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * ROOT3
        * math.radians(lon)
        * math.cos(theta)
        / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6 + 3 * A2 * t2 + A1))
    )
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


_EDGE_X = _equal_earth(180, 0)[0]
_TOP = _equal_earth(0, NORTH)[1]
_BOTTOM = _equal_earth(0, SOUTH)[1]
SCALE = WIDTH / (2 * _EDGE_X)
HEIGHT = round((_TOP - _BOTTOM) * SCALE)


def _point(lon: float, lat: float) -> tuple[int, int]:
    """A point of the drawing, in whole units (half a unit is too small to see)."""
    x, y = _equal_earth(lon, max(min(lat, NORTH), SOUTH))
    return round((x + _EDGE_X) * SCALE), round((_TOP - y) * SCALE)


def _area(ring: list[tuple[int, int]]) -> float:
    """The ring's signed area (shoelace)."""
    return (
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


@dataclass(frozen=True)
class Country:
    code: str
    path: str  # SVG path data
    centre: tuple[int, int]  # of its largest piece of land


def _path(rings: list[list[tuple[int, int]]]) -> str:
    """Rings as SVG path data: one absolute move, then relative steps (shorter to send)."""
    parts = []
    for ring in rings:
        (x, y), steps = ring[0], []
        for nx, ny in ring[1:]:
            steps.append(f"{nx - x} {ny - y}")
            x, y = nx, ny
        parts.append(f"M{ring[0][0]} {ring[0][1]}l" + " ".join(steps) + "z")
    return "".join(parts)


def _centre(ring: list[tuple[int, int]]) -> tuple[int, int]:
    """The centroid of a ring (its points' mean when it has no area)."""
    area = _area(ring)
    if abs(area) < 1:
        xs, ys = zip(*ring, strict=True)
        return round(sum(xs) / len(xs)), round(sum(ys) / len(ys))
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return round(cx / (6 * area)), round(cy / (6 * area))


@functools.cache
def atlas() -> dict[str, Country]:
    """Every country of the atlas by its ISO code, read once a process."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:  # each point is the change from the one before
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(_point(x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[int, int]]:
        points: list[tuple[int, int]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            for point in arc[1:] if points else arc:
                # A point closer than STEP to the one before adds nothing to see.
                if not points or math.dist(point, points[-1]) >= STEP:
                    points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        return points

    found = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = countries.alpha2(geometry.get("id", ""))
        if not code:  # Antarctica, and lands without a code of their own
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs", [])
        rings = [r for r in (ring(indexes) for polygon in polygons for indexes in polygon) if r]
        if not rings:
            continue
        largest = max(rings, key=lambda r: (abs(_area(r)), len(r)))
        # An island state smaller than a few units is a dot on the map: its centre, no outline.
        kept = [r for r in rings if len(r) >= 3 and abs(_area(r)) >= SMALLEST]
        found[code] = Country(code, _path(kept), _centre(largest))
    return found


@functools.cache
def world_svg() -> str:
    """The world, every country a path of its own (an SVG document)."""
    paths = "".join(f'<path d="{c.path}"/>' for c in atlas().values() if c.path)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}">'
        f'<g fill="#d5dbe1" stroke="#ffffff" stroke-width="0.6">{paths}</g></svg>'
    )


@dataclass(frozen=True)
class Link:
    """The line from the lead's country to a partner's: a curve bending north."""

    path: str
    end: tuple[int, int]


@dataclass(frozen=True)
class PartnerMap:
    width: int  # of the world drawn
    height: int
    view: tuple[int, int, int, int]  # the part of it shown: x, y, width, height
    lead: Country | None
    partners: list[Country]
    links: list[Link]

    @property
    def drawn(self) -> bool:
        return bool(self.lead or self.partners)

    @property
    def title(self) -> str:
        """What the map shows, in words (the page's language)."""
        lead = country_name(self.lead.code) if self.lead else ""
        partners = ", ".join(country_name(country.code) for country in self.partners)
        if lead and partners:
            return _(
                "Map of the partnership: the lead applicant in %(lead)s, partners in %(partners)s"
            ) % {"lead": lead, "partners": partners}
        if lead:
            return _("Map of the partnership: the lead applicant in %(lead)s") % {"lead": lead}
        return _("Map of the partnership: partners in %(partners)s") % {"partners": partners}

    @property
    def view_box(self) -> str:
        return " ".join(str(n) for n in self.view)

    @property
    def dot(self) -> float:
        """A dot's radius, the same on the page however far the map is zoomed."""
        return round(self.view[2] / 120, 1)


MARGIN = 50  # around the countries' centres, in units of the drawing
NARROWEST = 260  # the smallest part of the world shown: about Europe's width


def _view(centres: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    """The part of the world that holds every centre with a margin, as wide as twice its
    height (the drawing's own proportions, about), within the world."""
    if not centres:
        return 0, 0, WIDTH, HEIGHT
    xs, ys = [x for x, _y in centres], [y for _x, y in centres]
    width = max(max(xs) - min(xs) + 2 * MARGIN, 2 * (max(ys) - min(ys) + 2 * MARGIN), NARROWEST)
    width = min(width, WIDTH)
    height = min(round(width * HEIGHT / WIDTH), HEIGHT)
    left = min(max((max(xs) + min(xs)) // 2 - width // 2, 0), WIDTH - width)
    top = min(max((max(ys) + min(ys)) // 2 - height // 2, 0), HEIGHT - height)
    return left, top, width, height


def partner_map(lead: str, partners: list[str]) -> PartnerMap:
    """The map of a partnership led from the country `lead` with partners in `partners`
    (ISO codes); a country the atlas does not have is left out of the drawing, not of the
    page's list of countries."""
    known = atlas()
    lead_country = known.get(lead)
    shown = [known[code] for code in dict.fromkeys(partners) if code in known and code != lead]
    links = []
    if lead_country:
        (x0, y0) = lead_country.centre
        for partner in shown:
            x1, y1 = partner.centre
            bend = math.hypot(x1 - x0, y1 - y0) / 4
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2 - bend
            links.append(Link(f"M{x0} {y0}Q{mx:.0f} {my:.0f} {x1} {y1}", partner.centre))
    centres = [country.centre for country in ([lead_country] if lead_country else []) + shown]
    return PartnerMap(WIDTH, HEIGHT, _view(centres), lead_country, shown, links)
