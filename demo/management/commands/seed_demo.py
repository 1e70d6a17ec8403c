"""Fill the database with the demo: two editions and a login for every role. Run it again at
any time: it restores the demo's people and rebuilds its editions, duplicating nothing."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from accounts.models import User
from awards import credentials
from awards.certificates import seal_file
from awards.models import Certificate, Edition
from demo.clock import DemoClock
from demo.current_edition import seed_current_edition
from demo.decided_edition import seed_decided_edition
from demo.jury_edition import seed_jury_edition
from demo.people import APPLICANTS, JURORS, LOGINS, SECRETARIAT, restore_account
from demo.reset import remove_demo_editions

DEMO_PASSWORD = "demo-awards-2026"


class Command(BaseCommand):
    help = "Create the demo, or restore it to how it starts: editions, entries, jury, logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help="Password for every demo login (default: %(default)s).",
        )

    def handle(self, *args, password: str, **options):
        # One "today" for the whole run: every date of the demo is whole days from it.
        clock = DemoClock.now()
        # The published edition's certificates are sealed: the demo makes its own test seal.
        if not seal_file().exists() or not credentials.key_file().exists():
            call_command("create_seal", stdout=self.stdout)
        # The demo's mails go out when this commits, so they come before the logins, which
        # are printed last, to stay in view.
        with transaction.atomic():
            edition, jury_edition, decided = self._seed(clock, password)
        self.stdout.write(self.style.SUCCESS(f"Demo edition: {edition.title}"))
        self.stdout.write(f"Jury at work: {jury_edition.title}")
        self.stdout.write(f"Decided, results published: {decided.title}")
        issued = Certificate.objects.filter(edition=decided).exclude(sha256="").count()
        self.stdout.write(f"Certificates issued for it: {issued}")
        self._write_logins(password)

    def _seed(self, clock: DemoClock, password: str) -> tuple[Edition, Edition, Edition]:
        remove_demo_editions(year=clock.year)
        password_hash = make_password(password)
        secretariat = restore_account(
            person=SECRETARIAT, password_hash=password_hash, is_secretariat=True
        )
        jurors = [
            (juror, restore_account(person=juror, password_hash=password_hash)) for juror in JURORS
        ]
        applicants = [
            (applicant, restore_account(person=applicant, password_hash=password_hash))
            for applicant in APPLICANTS
        ]
        # The earlier editions first: the decided one four years back, then the one whose
        # jury is at work, its entries submitted two years before this call.
        decided = seed_decided_edition(clock=clock, secretariat=secretariat, jurors=jurors)
        jury_edition = seed_jury_edition(clock=clock, secretariat=secretariat, jurors=jurors)
        edition = seed_current_edition(
            clock=clock, secretariat=secretariat, jurors=jurors, applicants=applicants
        )
        return edition, jury_edition, decided

    def _write_logins(self, password: str) -> None:
        languages = dict(settings.LANGUAGES)
        self.stdout.write("Logins (role, email, interface language, password):")
        # The console speaks the project's source language, whatever a previous command chose.
        with translation.override(settings.LANGUAGE_CODE):
            for person in LOGINS:
                language = str(languages[self._language_of(person.email)])
                self.stdout.write(
                    f"  {person.role:<12} {person.email:<36} {language:<9} {password}"
                )

    def _language_of(self, email: str) -> str:
        # Read back from the account: the table shows what the person will see.
        return User.objects.get(email=email).preferred_language
