"""simulate_edition: a whole small edition driven through the services, every invariant
holding; the same seed giving the same edition; and each invariant able to fail."""

import json

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from awards.models import Certificate, EntryTransition
from demo.simulation import Simulation
from jury import standings
from jury.models import Evaluation
from jury.ranking import Score

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rows_made_by_migrations"),
]

PHASES = [
    "edition",
    "entries submitted",
    "partners replied",
    "screening",
    "jury seated",
    "jury review opened",
    "assignment",
    "scoring",
    "ranking and shortlist",
    "deliberation",
    "publication",
    "invariants",
]


def simulate(capsys, *args: str) -> dict:
    call_command("simulate_edition", "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_a_simulated_edition_holds_every_invariant_and_a_seed_gives_the_same_one(capsys):
    first = simulate(capsys, "--entries", "10", "--jurors", "4", "--seed", "7")

    assert [phase["name"] for phase in first["phases"]] == PHASES
    assert first["invariants"] and all(first["invariants"].values()), first["invariants"]
    counts = {phase["name"]: phase["count"] for phase in first["phases"]}
    assert counts["entries submitted"] == 10 and counts["jury seated"] == 4
    assert counts["publication"] >= 3  # the winners and finalists at least are public
    assert first["details"]["scored_then_declared"] >= 1

    again = simulate(capsys, "--entries", "10", "--jurors", "4", "--seed", "7")
    assert {p["name"]: p["count"] for p in again["phases"]} == counts
    assert again["details"]["loads"] == first["details"]["loads"]


def test_without_a_seal_on_the_machine_the_certificates_are_sealed_with_a_throwaway_one(
    capsys, settings, tmp_path
):
    settings.CERTIFICATE_SEAL_FILE = tmp_path / "no-seal.p12"
    settings.CREDENTIAL_KEY_FILE = tmp_path / "no-key.jwk"

    call_command("simulate_edition", "--json", "--entries", "6", "--jurors", "3", "--seed", "3")
    printed = capsys.readouterr()
    document = json.loads(printed.out)

    assert document["invariants"]["one_certificate_per_prize"]
    assert document["details"]["certificates_not_issued"] == 0
    assert Certificate.objects.filter(issued_at__isnull=False).exists()
    assert "sealed with a throwaway one" in printed.err
    assert not settings.CERTIFICATE_SEAL_FILE.exists()  # nothing left behind


@override_settings(EMAIL_BACKEND="demo.mail.EnvelopeBackend")
def test_each_invariant_fails_when_the_database_says_otherwise(monkeypatch):
    simulation = Simulation(entries=8, jurors=3, seed=2)
    result = simulation.run()
    assert all(result.invariants.values()), result.invariants
    edition = simulation.edition

    issued = Certificate.objects.filter(edition=edition).first()
    Certificate.objects.filter(pk=issued.pk).update(issued_at=None)
    assert not simulation._one_certificate_each()  # requested, never issued
    Certificate.objects.filter(pk=issued.pk).update(issued_at=issued.issued_at)
    assert simulation._one_certificate_each()
    Certificate.objects.filter(edition=edition).exclude(kind="jury_thanks").first().delete()
    assert not simulation._one_certificate_each()

    logged = EntryTransition.objects.filter(entry__edition=edition).first()
    logged.pk = None
    logged.save()
    assert not simulation._logged_once()

    # A ranking that forgot the conflicts: every submitted evaluation counted.
    everything = [
        Score(member, entry, 5.0)
        for member, entry in Evaluation.objects.filter(
            assignment__entry__edition=edition, status="submitted"
        ).values_list("assignment__member_id", "assignment__entry_id")
    ]
    assert simulation._no_conflicted_score()
    monkeypatch.setattr(standings, "round_scores", lambda edition, round=1: everything)
    assert not simulation._no_conflicted_score()

    simulation.submissions += 1
    assert simulation._one_receipt_each()  # receipts are per entry, not per submission
    simulation.entries.pop()
    assert not simulation._one_receipt_each()

    from demo.mail import sent

    assert simulation._no_message_sent_twice()
    sent.append(sent[0])  # one mail delivered a second time
    assert not simulation._no_message_sent_twice()
    sent.pop()
    sent.pop(0)  # one row marked sent whose mail never left
    assert not simulation._no_message_sent_twice()
