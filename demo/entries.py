"""The demo's entries: Lyon's submitted entry and unfinished draft, Andalusia's complete draft
with its partners asked, built through the services as the applicants would have."""

import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import Entry
from awards.services import entries as entry_services
from awards.services import partners as partner_services
from core.rows import RowChanges

DEMO_ENTRIES: dict[str, list[dict[str, Any]]] = {
    "City of Lyon": [
        {
            "title": "Lyon and Porto-Novo: water for every district",
            "summary": "Since 2012 the City of Lyon and the City of Porto-Novo have worked "
            "together "
            "to bring safe drinking water to the fast-growing districts of Porto-Novo, training "
            "municipal technicians and setting up a local water board with residents.",
            "language": "fr",
            "sdgs": [6, 11, 17],
            "partners": [("City of Porto-Novo", "BJ", "Aïcha Dossou", "water@porto-novo.example")],
            "project": ("Eau potable pour Porto-Novo", 2019, None, "1200000", "EUR"),
            "submit": True,
        },
        {
            "title": "Climate plans with Ouagadougou",
            "summary": "A peer exchange on local climate plans between planners of both cities.",
            "language": "fr",
            "sdgs": [13],
            "partners": [],
            "project": None,
            "submit": False,
        },
    ],
    "Region of Andalusia": [
        {
            "title": "Andalusia and the Province of Tétouan: rural tourism that stays local",
            "summary": "Regional and provincial governments built a network of rural guesthouses "
            "run by women's cooperatives, with shared training and marketing.",
            "language": "es",
            "sdgs": [5, 8],
            "partners": [
                ("Province of Tétouan", "MA", "Youssef El Amrani", "cooperation@tetouan.example"),
                ("Municipality of Chefchaouen", "MA", "Salma Bennani", "salma@chefchaouen.example"),
            ],
            "project": ("Turismo rural sostenible", 2021, 2024, "850000", "EUR"),
            "submit": False,
            # Asked and not answered yet: the mails hold the links a partner follows.
            "ask_partners": True,
        },
    ],
}


def _demo_attachment() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (29, 63, 110)).save(buffer, format="PNG")
    return SimpleUploadedFile("partnership-map.png", buffer.getvalue(), content_type="image/png")


def fill_entry(*, edition, organisation, by, spec: dict) -> Entry:
    """An entry of `organisation`, filled in step by step as its applicant `by` would.

    Side effects, in order: a draft; its basics, partners, linked project, answers and an
    attachment saved; with `spec["submit"]`, submitted and its (first) partner confirming;
    with `spec["ask_partners"]`, its partners asked to confirm by mail.
    """
    entry = entry_services.create_entry(edition=edition, organisation=organisation, by=by)
    # The entry as saved from here on: partners are written to in the entry's language.
    entry = entry_services.save_basics(
        entry=entry,
        by=by,
        title=spec["title"],
        summary=spec["summary"],
        language=spec["language"],
        sdgs=spec["sdgs"],
    )
    partners = tuple(
        entry_services.PartnerRow(name=n, country=c, contact_name=p, contact_email=e)
        for n, c, p, e in spec["partners"]
    )
    projects: tuple[entry_services.ProjectRow, ...] = ()
    if spec["project"]:
        title, start, end, budget, currency = spec["project"]
        projects = (
            entry_services.ProjectRow(
                title=title,
                start_year=start,
                end_year=end,
                budget=Decimal(budget),
                currency=currency,
                funding_sources="EU, city budget",
            ),
        )
    entry_services.save_related(
        entry=entry,
        by=by,
        partners=RowChanges(added=partners),
        projects=RowChanges(added=projects),
    )
    answers = {
        question.pk: f"{question.title}: " + spec["summary"] for question in edition.questions.all()
    }
    entry_services.save_answers(entry=entry, by=by, answers=answers)
    entry_services.add_attachment(
        entry=entry, by=by, upload=_demo_attachment(), description="Map", is_public=True
    )
    if spec["submit"]:
        # The demo's applicants agree to be shown in the gallery unless their spec says not.
        entry_services.submit_entry(
            entry=entry, by=by, public_display=spec.get("public_display", True)
        )
        partner = entry.partners.earliest("pk")
        partner_services.respond(partner=partner, confirmed=True, note="We confirm.")
    if spec.get("ask_partners"):
        partner_services.ask_partners(entry=entry, by=by)
    return entry
