"""python manage.py simulate_edition --entries N --jurors M [--per-entry K] [--seed S] [--json]

A fresh edition driven from its call to its published results through the services the pages
call (demo/simulation.py), with each phase's counts, time and queries, and the invariants
checked against the database at the end. Mails go to memory, not out."""

import io
import json
import resource
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from awards import credentials
from awards.certificates import seal_file
from demo.simulation import Simulation


class Command(BaseCommand):
    help = "Simulate a whole edition through the real services and check its invariants."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--entries", type=int, required=True)
        parser.add_argument("--jurors", type=int, required=True)
        parser.add_argument("--per-entry", type=int, default=3, help="jurors for each entry")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")

    def handle(self, *args, **options) -> None:
        say = (lambda line: print(line, file=sys.stderr)) if options["json"] else self.stdout.write
        try:
            simulation = Simulation(
                entries=options["entries"],
                jurors=options["jurors"],
                per_entry=options["per_entry"],
                seed=options["seed"],
                progress=say,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        # The outbox sends each mail for real, built to its bytes, and keeps its envelope:
        # nobody of a simulation is written to. The site runs as it is served, without the
        # local debugging that logs every query.
        with (
            override_settings(EMAIL_BACKEND="demo.mail.EnvelopeBackend", DEBUG=False),
            signing_ready(say),
        ):
            result = simulation.run()
        document = result.as_dict()
        # The process's peak resident memory (Linux reports it in kilobytes).
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        document["peak_memory_mb"] = round(peak / 1024)
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, default=str))
        else:
            for name, holds in result.invariants.items():
                self.stdout.write(f"{'holds ' if holds else 'FAILS '} {name}")
            self.stdout.write(
                f"{document['seconds']:.1f} s, {document['queries']} queries in all, "
                f"peak memory {document['peak_memory_mb']} MB"
            )
        if not all(result.invariants.values()):
            raise CommandError("An invariant does not hold.")


@contextmanager
def signing_ready(say: Callable[[str], None]) -> Iterator[None]:
    """A throwaway seal and credential key, for the run only, where this machine has none (a
    fresh checkout has neither until `make demo`): the simulated edition's certificates are
    issued for real, rendered, sealed and signed, wherever it runs."""
    with tempfile.TemporaryDirectory() as folder:
        missing = {}
        if not seal_file().exists():
            missing["CERTIFICATE_SEAL_FILE"] = Path(folder) / "seal.p12"
            say(f"No seal at {seal_file()}: certificates are sealed with a throwaway one.")
        if not credentials.key_file().exists():
            missing["CREDENTIAL_KEY_FILE"] = Path(folder) / "credential.jwk"
        with override_settings(**missing):
            if missing:
                call_command("create_seal", stdout=io.StringIO())
            yield
