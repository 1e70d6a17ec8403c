"""Fill the database with a demo edition and a login for every role. Safe to run again."""

import datetime

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import SECRETARIAT_GROUP, User
from awards.models import Edition, Entry, Organisation
from awards.reminders import add_default_rules
from awards.services.editions import add_default_questions
from awards.services.screening import add_default_checklist
from awards.services.transitions import change_phase
from awards.workflow import EditionPhase
from demo.entries import DEMO_ENTRIES, act_for, fill_entry
from demo.jury_edition import seed_jury_edition
from jury.models import JuryMember
from jury.reminders import add_default_rules as add_jury_rules
from jury.services import add_default_criteria

DEMO_PASSWORD = "demo-awards-2026"


class Command(BaseCommand):
    help = "Create (or refresh) a demo edition with a secretariat, jurors and applicants."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help="Password for every demo login (default: %(default)s).",
        )

    def handle(self, *args, password: str, **options):
        # The demo's mails go out when the data is committed; the logins come last, in view.
        with transaction.atomic():
            edition, jury_edition, logins = self._seed(password)
        self.stdout.write(self.style.SUCCESS(f"Demo edition: {edition.title}"))
        self.stdout.write(f"Jury at work: {jury_edition.title}")
        self.stdout.write("Logins (role, email, password):")
        for role, email in logins:
            self.stdout.write(f"  {role:<12} {email:<36} {password}")

    def _seed(self, password: str) -> tuple[Edition, Edition, list[tuple[str, str]]]:
        edition = self._edition()
        logins: list[tuple[str, str]] = []

        secretariat = self._user(
            "secretariat@demo.platformawards.eu", "Sofia Secretariat", password
        )
        secretariat.is_staff = True
        secretariat.save(update_fields=["is_staff"])
        secretariat.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
        logins.append(("secretariat", secretariat.email))

        jurors = [
            (
                "chair@demo.platformawards.eu",
                "Chiara Chair",
                "IT",
                "Committee of the Regions",
                True,
            ),
            ("juror1@demo.platformawards.eu", "Jonas Juror", "DE", "UNDP", False),
            ("juror2@demo.platformawards.eu", "Joanna Jurorska", "PL", "Council of Europe", False),
        ]
        members = []
        for email, name, country, organisation, is_chair in jurors:
            user = self._user(email, name, password)
            member, _ = JuryMember.objects.update_or_create(
                edition=edition,
                user=user,
                defaults={
                    "is_chair": is_chair,
                    "country": country,
                    "organisation": organisation,
                    "accepted_at": timezone.now(),
                },
            )
            members.append(member)
            logins.append(("jury chair" if is_chair else "juror", email))
        # The previous edition shows the jury at work: assignments, drafts and submitted scores.
        jury_edition = seed_jury_edition(
            year=edition.year - 2, secretariat=secretariat, jurors=members
        )

        applicants = [
            (
                "lyon@demo.platformawards.eu",
                "Louise Lyonnais",
                "City of Lyon",
                Organisation.Kind.MUNICIPALITY,
                "FR",
                "fr",
            ),
            (
                "andalucia@demo.platformawards.eu",
                "Andrés Andaluz",
                "Region of Andalusia",
                Organisation.Kind.REGION,
                "ES",
                "es",
            ),
        ]
        for email, name, org_name, kind, country, language in applicants:
            user = self._user(email, name, password, language=language)
            organisation = act_for(user, name=org_name, country=country, kind=kind)
            logins.append(("applicant", email))
            for spec in DEMO_ENTRIES[org_name]:
                if not Entry.objects.filter(
                    edition=edition, organisation=organisation, title=spec["title"]
                ).exists():
                    fill_entry(edition=edition, organisation=organisation, by=user, spec=spec)

        return edition, jury_edition, logins

    def _edition(self) -> Edition:
        # Dates follow today so that the demo always shows an open call.
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        day = datetime.timedelta(days=1)
        year = now.year
        edition, _ = Edition.objects.get_or_create(
            year=year,
            defaults={
                "title": f"PLATFORMAwards {year}",
                "slug": f"platformawards-{year}",
                "call_opens": now - 30 * day,
                "submission_deadline": now + 30 * day,
                "clarification_deadline": now + 45 * day,
                "scoring_opens": now + 50 * day,
                "scoring_deadline": now + 80 * day,
                "deliberation_at": now + 90 * day,
                "announcement_at": now + 100 * day,
                "rules_text": (
                    "Open to local and regional governments of the 27 EU member states and their "
                    "associations, for a partnership with one or more local or regional "
                    "governments in a partner country."
                ),
            },
        )
        if not edition.questions.exists():
            add_default_questions(edition=edition)
        if not edition.eligibility_criteria.exists():
            add_default_checklist(edition=edition)
        if not edition.reminder_rules.exists():
            add_default_rules(edition=edition)
            add_jury_rules(edition=edition)
        if not edition.criteria.exists():
            add_default_criteria(edition=edition)
        if edition.phase == EditionPhase.DRAFT:
            edition = change_phase(edition=edition, name="open_call", by=None)
        return edition

    def _user(self, email: str, full_name: str, password: str, language: str = "en") -> User:
        user, _ = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, "preferred_language": language}
        )
        user.set_password(password)
        user.is_active = True
        user.email_verified_at = user.email_verified_at or timezone.now()
        user.save()
        return user
