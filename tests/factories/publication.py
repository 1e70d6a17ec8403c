"""An edition whose jury has decided and locked its decision, its announcement still to come:
for the tests of publication, the public pages and the open data."""

import datetime

from django.utils import timezone

from awards.models import Edition, Entry, Organisation
from jury.models import Prize

from . import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    PartnerFactory,
    ProjectFactory,
)

DAY = datetime.timedelta(days=1)


class Decided:
    """A winner (1st prize, with a Ukrainian and a Tunisian partner), a finalist, a special
    prize, reviewed entries with and without consent to public display, and an ineligible one;
    announced `announce_in` from now."""

    def __init__(self, *, announce_in=10 * DAY, extra_reviewed=0, year=None):
        now = timezone.now()
        fields = {"year": year} if year else {}
        self.edition = EditionFactory(
            phase="deliberation",
            call_opens=now - 90 * DAY,
            submission_deadline=now - 60 * DAY,
            clarification_deadline=now - 50 * DAY,
            scoring_opens=now - 40 * DAY,
            scoring_deadline=now - 20 * DAY,
            deliberation_at=now - 10 * DAY,
            announcement_at=now + announce_in,
            results_locked_at=now - DAY,
            **fields,
        )
        self.winner = self.entry(
            "Lviv and Lyon: water for every district",
            state="awarded",
            lead=("Ville de Lyon", "FR"),
            partners=[("Львівська міська рада", "UA"), ("بلدية تونس", "TN")],
            sdgs=[6, 11],
            language="fr",
        )
        self.finalist = self.entry(
            "Sevilla and Tétouan: rural tourism",
            state="finalist",
            lead=("Sevilla", "ES"),
            partners=[("Province of Tétouan", "MA")],
            sdgs=[8],
        )
        self.shown = self.entry(
            "Gdańsk and Tbilisi: schools for all",
            state="not_shortlisted",
            lead=("Gdańsk", "PL"),
            partners=[("თბილისის მერია", "GE")],
            sdgs=[4],
            public_display=True,
        )
        self.hidden = self.entry(
            "Secret partnership of Bruges",
            state="not_shortlisted",
            lead=("Brugge", "BE"),
            partners=[("Commune de Saint-Louis", "SN")],
            sdgs=[4],
        )
        self.ineligible = self.entry(
            "Ineligible plan of Ghent",
            state="ineligible",
            lead=("Gent", "BE"),
            partners=[("Kigali", "RW")],
            sdgs=[1],
            public_display=True,
        )
        for n in range(extra_reviewed):
            self.entry(
                f"Reviewed partnership {n}",
                state="not_shortlisted",
                lead=(f"Town {n}", "DE"),
                partners=[(f"Partner {n}", "BR")],
                sdgs=[17],
                public_display=True,
            )
        self.prizes = [
            self.prize(self.winner, "first", citation="Water reached 40,000 homes."),
            self.prize(self.winner, "special", name="Prize for EU-Ukraine partnerships"),
            self.prize(self.finalist, "finalist"),
        ]
        self.chair = JuryMemberFactory(edition=self.edition, is_chair=True, organisation="CoR")

    def entry(self, title, *, state, lead, partners, sdgs, language="en", public_display=False):
        name, country = lead
        organisation, created = Organisation.objects.get_or_create(
            name=name, country=country, defaults={"kind": Organisation.Kind.MUNICIPALITY}
        )
        if created:
            MembershipFactory(organisation=organisation)
        entry = EntryFactory(
            edition=self.edition,
            organisation=organisation,
            title=title,
            summary=f"{title}: what two local governments did together.",
            language=language,
            public_display=public_display,
            submitted_at=self.edition.submission_deadline - DAY,
        )
        Entry.objects.filter(pk=entry.pk).update(state=state)
        entry.refresh_from_db()
        entry.sdgs.set(sdgs)
        for partner_name, partner_country in partners:
            PartnerFactory(
                entry=entry, name=partner_name, country=partner_country, status="confirmed"
            )
        PartnerFactory(
            entry=entry, name=f"Declined town of {name}", country="CL", status="declined"
        )
        ProjectFactory(entry=entry, title=f"Project of {name}")
        return entry

    def prize(self, entry, kind, *, name="", citation=""):
        now = timezone.now()
        return Prize.objects.create(
            edition=self.edition,
            entry=entry,
            kind=kind,
            name=name,
            citation=citation,
            decided_at=now - 2 * DAY,
            confirmed_at=now - DAY,
        )


# Changes made after publication to what the public pages show, each returning the new text to
# look for on the pages.


def retitle_winner(decided: Decided) -> str:
    entry = Entry.objects.get(pk=decided.winner.pk)
    entry.title = "Corrected title of the partnership"
    entry.save()
    return entry.title


def recite_first_prize(decided: Decided) -> str:
    prize = decided.prizes[0]
    prize.citation = "Corrected citation of the jury"
    prize.save()
    return prize.citation


def rename_edition(decided: Decided) -> str:
    edition = Edition.objects.get(pk=decided.edition.pk)
    edition.title = "Corrected edition title"
    edition.save()
    return edition.title


def rename_partner(decided: Decided) -> str:
    partner = decided.winner.partners.first()
    partner.name = "Corrected partner name"
    partner.save()
    return partner.name


def rename_lead(decided: Decided) -> str:
    organisation = decided.winner.organisation
    organisation.name = "Corrected lead name"
    organisation.save()
    return organisation.name


def rename_juror(decided: Decided) -> str:
    user = decided.chair.user
    user.full_name = "Corrected juror name"
    user.save()
    return user.full_name
