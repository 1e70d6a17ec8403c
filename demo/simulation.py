"""A whole edition at any scale, driven through the same services the pages call.

`Simulation(entries=N, jurors=M).run()` creates a fresh edition and takes it from the call to
the published results: applicants create, fill in and submit entries with partners (who
confirm, a few decline) and a small image; the secretariat screens them (some ineligible, some
asked to clarify and resubmitted); jurors are invited and accept, the planner assigns them,
some declare a conflict and the planner assigns again, every juror scores what they were
given; the ranking, the shortlist, the deliberation with its prizes and the chair's
confirmation; the announcement scheduled and published by the scheduler's task (run twice);
the certificates and every notification through the outbox. Each phase is timed and its
queries counted; at the end, invariants are checked against the database.

Nothing is written around a service: the only rows made directly are the people's accounts
(as sign-up makes them) and nothing else. Random choices come from one generator seeded with
`seed`, so that a seed gives the same edition.
"""

import csv
import datetime
import io
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import SECRETARIAT_GROUP, User
from awards.models import (
    Certificate,
    Edition,
    EditionPhaseChange,
    Entry,
    EntryTransition,
    Organisation,
    Partner,
)
from awards.services import entries as entry_services
from awards.services import partners as partner_services
from awards.services import publication
from awards.services.editions import create_edition, update_edition
from awards.services.organisations import create_organisation
from awards.services.screening import decide, save_checklist
from awards.services.transitions import change_phase
from core.rows import RowChanges
from demo.mail import sent as sent_mail
from jury import exports, standings
from jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember, Prize
from jury.scoring import submit_evaluation
from jury.services import (
    assign_automatically,
    confirm_decision,
    confirm_shortlist,
    discuss,
    record_prize,
    save_settings,
    settings_for,
)
from jury.services.assignments import tell_jurors_their_assignments
from jury.services.conflicts import declare_conflict
from jury.services.invitations import accept_invitation, invite_juror
from notifications.kinds import Kind
from notifications.models import Notification

DAY = datetime.timedelta(days=1)
# Lead applicants from EU member states, partners from partner countries.
LEAD_COUNTRIES = ["FR", "DE", "ES", "IT", "PL", "NL", "BE", "PT", "SE", "AT", "CZ", "IE"]
PARTNER_COUNTRIES = ["UA", "TN", "SN", "MA", "GE", "BR", "KE", "VN", "CV", "BJ", "MD", "PE"]
INELIGIBLE_SHARE = 0.05
CLARIFIED_SHARE = 0.05
DECLINING_PARTNER_SHARE = 0.03
THEMES = ["water", "schools", "waste", "health", "climate", "housing", "youth", "finance"]
DECLARED_CONFLICT_SHARE = 0.1  # of jurors, each declaring one conflict
# A secretariat member sends at most JURY_INVITATIONS.per_person invitations an hour: a large
# jury is invited by a team, as it would be.
INVITATIONS_EACH = 50


@dataclass
class Phase:
    name: str
    count: int = 0  # what the phase made or moved
    seconds: float = 0.0
    queries: int = 0

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "count": self.count,
            "seconds": round(self.seconds, 3),
            "queries": self.queries,
        }


@dataclass
class Result:
    entries: int
    jurors: int
    seed: int
    phases: list[Phase] = field(default_factory=list)
    invariants: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "entries": self.entries,
            "jurors": self.jurors,
            "seed": self.seed,
            "seconds": round(sum(p.seconds for p in self.phases), 3),
            "queries": sum(p.queries for p in self.phases),
            "phases": [phase.as_dict() for phase in self.phases],
            "invariants": self.invariants,
            "details": self.details,
        }


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _image() -> bytes:
    """A small PNG, made once: what an applicant's photo is to the upload checks."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (29, 63, 110)).save(buffer, format="PNG")
    return buffer.getvalue()


class Simulation:
    def __init__(
        self,
        *,
        entries: int,
        jurors: int,
        per_entry: int = 3,
        seed: int = 1,
        year: int | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if entries < 4 or jurors < 2:
            raise ValueError("A simulated edition needs at least 4 entries and 2 jurors.")
        self.size, self.juror_count = entries, jurors
        self.per_entry = min(per_entry, jurors)
        self.seed = seed
        self.random = random.Random(seed)
        self.year = year
        self.progress = progress or (lambda line: None)
        self.result = Result(entries=entries, jurors=jurors, seed=seed)
        # What the simulation did, to be checked against what the database recorded.
        self.transitions: Counter[int] = Counter()  # entry id: entry transitions taken
        self.phase_changes = 0
        self.submissions = 0
        self.image = _image()
        self.counter = _QueryCounter()

    # The phases, in order.

    def run(self) -> Result:
        sent_mail.clear()  # the mails the outbox sends (demo.mail.EnvelopeBackend keeps them)
        self.started = timezone.now()
        with connection.execute_wrapper(self.counter):
            self._phase("edition", self._edition)
            self._phase("entries submitted", self._entries)
            self._phase("partners replied", self._partners)
            self._phase("screening", self._screening)
            self._phase("jury seated", self._jury)
            self._phase("jury review opened", self._open_review)
            self._phase("assignment", self._assignment)
            self._phase("scoring", self._scoring)
            self._phase("ranking and shortlist", self._shortlist)
            self._phase("deliberation", self._deliberation)
            self._phase("publication", self._publication)
            self._phase("invariants", self._invariants)
        return self.result

    @contextmanager
    def _measured(self, name: str) -> Iterator[Phase]:
        phase = Phase(name)
        queries, started = self.counter.count, time.perf_counter()
        yield phase
        phase.seconds = time.perf_counter() - started
        phase.queries = self.counter.count - queries
        self.result.phases.append(phase)
        self.progress(
            f"{name:<24} {phase.count:>7} {phase.seconds:>8.2f} s {phase.queries:>9} queries"
        )

    def _phase(self, name: str, step: Callable[[], int]) -> None:
        with self._measured(name) as phase:
            phase.count = step()

    def _edition(self) -> int:
        now = timezone.now()
        taken = set(Edition.objects.values_list("year", flat=True))
        year = self.year or next(y for y in range(2100, 9999) if y not in taken)
        self.year = year  # the people of this edition are told apart by it
        self.secretariat = [
            self._person(f"secretariat-{n}", f"Secretariat member {n}", staff=True)
            for n in range(max(1, -(-self.juror_count // INVITATIONS_EACH)))
        ]
        by = self.secretariat[0]
        self.edition = create_edition(
            by=by,
            year=year,
            title=f"Simulated edition {year}",
            slug=f"simulated-{year}",
            call_opens=now - DAY,
            submission_deadline=now + 30 * DAY,
            clarification_deadline=now + 40 * DAY,
            scoring_opens=now + 45 * DAY,
            scoring_deadline=now + 60 * DAY,
            deliberation_at=now + 70 * DAY,
            announcement_at=now + 80 * DAY,
            max_partners=5,
        )
        self.edition = self._phase_change("open_call")
        return 1

    def _entries(self) -> int:
        self.entries: list[Entry] = []
        questions = list(self.edition.questions.all())
        for n in range(self.size):
            country = LEAD_COUNTRIES[n % len(LEAD_COUNTRIES)]
            applicant = self._person(f"applicant-{n}", f"Applicant {n}")
            organisation = create_organisation(
                by=applicant,
                name=f"Town {n} of the {self.year} edition",
                kind=Organisation.Kind.MUNICIPALITY,
                country=country,
            )
            entry = entry_services.create_entry(
                edition=self.edition, organisation=organisation, by=applicant
            )
            sdgs = self.random.sample(range(1, 18), self.random.randint(1, 3))
            entry = entry_services.save_basics(
                entry=entry,
                by=applicant,
                title=f"Partnership {n}: {self.random.choice(THEMES)}",
                summary=f"Partnership {n} of two local governments. " * 4,
                language="en",
                sdgs=sdgs,
            )
            partners = tuple(
                entry_services.PartnerRow(
                    name=f"Partner {n}.{p}",
                    country=self.random.choice(PARTNER_COUNTRIES),
                    contact_name=f"Contact {n}.{p}",
                    contact_email=f"partner-{n}-{p}-{self.year}@simulated.example",
                )
                for p in range(self.random.randint(1, 3))
            )
            project = entry_services.ProjectRow(
                title=f"Project {n}",
                start_year=2018 + n % 6,
                end_year=None,
                budget=Decimal(10_000 * (1 + n % 50)),
                currency="EUR",
                funding_sources="EU, city budget",
            )
            entry_services.save_related(
                entry=entry,
                by=applicant,
                partners=RowChanges(added=partners),
                projects=RowChanges(added=(project,)),
            )
            entry_services.save_answers(
                entry=entry,
                by=applicant,
                answers={q.pk: f"Answer of entry {n} to {q.title}." for q in questions},
            )
            entry_services.add_attachment(
                entry=entry,
                by=applicant,
                upload=SimpleUploadedFile("photo.png", self.image, content_type="image/png"),
                description="A photo of the partners",
                is_public=True,
            )
            entry = entry_services.submit_entry(
                entry=entry, by=applicant, public_display=self.random.random() < 0.5
            )
            self.transitions[entry.pk] += 1
            self.submissions += 1
            entry.applicant = applicant  # type: ignore[attr-defined]
            # Kept for the phases to come, without what the submission read of its parts (its
            # answers, partners, projects and goals: most of the run's memory at 30,000).
            entry._prefetched_objects_cache = {}
            self.entries.append(entry)
        return len(self.entries)

    def _partners(self) -> int:
        replied = 0
        for partner in Partner.objects.filter(entry__edition=self.edition).order_by("pk"):
            confirmed = self.random.random() >= DECLINING_PARTNER_SHARE
            partner_services.respond(partner=partner, confirmed=confirmed, note="Our reply.")
            replied += 1
        return replied

    def _screening(self) -> int:
        now = timezone.now()
        # The call closes: its deadline is moved to the past, as time would.
        self.edition = update_edition(
            edition=self.edition, by=self.secretariat[0], submission_deadline=now - DAY
        )
        self.edition = self._phase_change("close_call")
        by = self.secretariat[0]
        checklist = list(self.edition.eligibility_criteria.all())
        self.ineligible: set[int] = set()
        clarified = []
        for entry in self.entries:
            draw = self.random.random()
            if draw < INELIGIBLE_SHARE:
                answers = {c.pk: c is not checklist[0] for c in checklist}
                save_checklist(entry=entry, by=by, answers=answers, notes={})
                decide(entry=entry, by=by, decision="ineligible", note="Outside the rules.")
                self.ineligible.add(entry.pk)
            elif draw < INELIGIBLE_SHARE + CLARIFIED_SHARE:
                decide(entry=entry, by=by, decision="clarify", note="Which partner leads?")
                clarified.append(entry)
            else:
                save_checklist(
                    entry=entry, by=by, answers={c.pk: True for c in checklist}, notes={}
                )
                decide(entry=entry, by=by, decision="eligible", note="")
            self.transitions[entry.pk] += 1
        for entry in clarified:
            fresh = Entry.objects.get(pk=entry.pk)
            entry_services.submit_entry(
                entry=fresh,
                by=entry.applicant,  # type: ignore[attr-defined]
                name="resubmit",
                note="The first partner leads.",
                public_display=fresh.public_display,
            )
            self.submissions += 1
            fresh = Entry.objects.get(pk=entry.pk)
            save_checklist(entry=fresh, by=by, answers={c.pk: True for c in checklist}, notes={})
            decide(entry=fresh, by=by, decision="eligible", note="")
            self.transitions[entry.pk] += 2
        return len(self.entries)

    def _jury(self) -> int:
        self.members: list[JuryMember] = []
        for n in range(self.juror_count):
            by = self.secretariat[n // INVITATIONS_EACH]
            member = invite_juror(
                edition=self.edition,
                by=by,
                email=f"juror-{n}-{self.year}@simulated.example",
                full_name=f"Juror {n}",
                # Some jurors share a country with some leads: conflicts the planner avoids.
                country=LEAD_COUNTRIES[n % len(LEAD_COUNTRIES)] if n % 3 == 0 else "",
                organisation=f"Jury organisation {n}",
                is_chair=n == 0,
            )
            self.members.append(accept_invitation(member=member, user=member.user, password=None))
        settings = settings_for(self.edition)
        settings.jurors_per_entry = self.per_entry
        save_settings(settings=settings, by=self.secretariat[0])
        return len(self.members)

    def _open_review(self) -> int:
        """The jury review opened: every eligible entry moved into it, each move logged."""
        now = timezone.now()
        self.edition = update_edition(
            edition=self.edition,
            by=self.secretariat[0],
            clarification_deadline=now - DAY / 2,
            scoring_opens=now - DAY / 4,
        )
        self.edition = self._phase_change("open_jury_review")
        moved = [entry for entry in self.entries if entry.pk not in self.ineligible]
        for entry in moved:
            self.transitions[entry.pk] += 1
        return len(moved)

    def _assignment(self) -> int:
        by = self.secretariat[0]
        assign_automatically(edition=self.edition, by=by, seed=self.seed)
        declaring = self.random.sample(
            self.members, max(1, int(len(self.members) * DECLARED_CONFLICT_SHARE))
        )
        criteria = list(self.edition.criteria.all())
        for member in declaring:
            given = Assignment.objects.filter(member=member).select_related("entry").first()
            if given is None:
                continue
            # The juror scored it, then found they had advised the applicant: the score
            # submitted must no longer count.
            submit_evaluation(
                assignment=given,
                by=member.user,
                scores={c.pk: Decimal(c.scale_max) for c in criteria},
                overall_comment="Scored before the conflict was seen.",
            )
            declare_conflict(
                member=member, entry=given.entry, by=member.user, note="I advised them."
            )
        # The planner again, around the conflicts declared; each juror told their list.
        assign_automatically(edition=self.edition, by=by, seed=self.seed)
        tell_jurors_their_assignments(edition=self.edition, by=by)
        return Assignment.objects.filter(entry__edition=self.edition).count()

    def _scoring(self) -> int:
        criteria = list(self.edition.criteria.order_by("position"))
        quality = {entry.pk: self.random.uniform(3, 9) for entry in self.entries}
        severity = {member.pk: self.random.uniform(-1, 1) for member in self.members}
        users = {member.pk: member.user for member in self.members}
        conflicted = set(
            ConflictOfInterest.objects.filter(
                entry__edition=self.edition, lifted_at__isnull=True
            ).values_list("member_id", "entry_id")
        )
        submitted = 0
        assignments = Assignment.objects.filter(entry__edition=self.edition).order_by("pk")
        for assignment in assignments.select_related("entry", "entry__edition"):
            if (assignment.member_id, assignment.entry_id) in conflicted:
                continue  # a juror does not score an entry they are in conflict with
            by = users[assignment.member_id]
            scores = {}
            for criterion in criteria:
                mark = quality[assignment.entry_id] + severity[assignment.member_id]
                mark += self.random.uniform(-1, 1)
                span = criterion.scale_max - criterion.scale_min
                value = criterion.scale_min + max(0.0, min(10.0, mark)) / 10 * float(span)
                scores[criterion.pk] = Decimal(round(value)).quantize(Decimal(1))
            # The score sheet filled in and submitted, as the score page posts it.
            submit_evaluation(
                assignment=assignment,
                by=by,
                scores=scores,
                comments={criteria[0].pk: "Clear roles on both sides."},
                overall_comment="A partnership others can learn from.",
            )
            submitted += 1
        return submitted

    def _shortlist(self) -> int:
        now = timezone.now()
        by = self.secretariat[0]
        self.edition = update_edition(
            edition=self.edition, by=by, scoring_deadline=now - DAY / 8, deliberation_at=now
        )
        self.edition = self._phase_change("open_deliberation")
        result = standings.standings(self.edition, settings=settings_for(self.edition))
        ranked = sorted(
            (f for f in result.figures.entries if f.mean is not None),
            key=lambda f: (-f.mean, f.entry),
        )
        size = min(self.edition.shortlist_size, len(ranked))
        self.shortlisted = [f.entry for f in ranked[:size]]
        confirm_shortlist(edition=self.edition, entries=self.shortlisted, method="mean", by=by)
        for entry in self.entries:
            if entry.pk not in self.ineligible:
                self.transitions[entry.pk] += 1  # shortlisted, or not
        return size

    def _deliberation(self) -> int:
        chair = next(m.user for m in self.members if m.is_chair)
        entries = {e.pk: e for e in Entry.objects.filter(pk__in=self.shortlisted)}
        for entry_id, kind in zip(self.shortlisted, ("first", "second", "third"), strict=False):
            discuss(edition=self.edition, entry=entries[entry_id], by=chair)
            record_prize(
                edition=self.edition,
                entry=entries[entry_id],
                kind=kind,
                rationale="Equal partners, results the residents can see.",
                citation="For a partnership of equals.",
                by=chair,
            )
        if len(self.shortlisted) > 3:
            record_prize(
                edition=self.edition,
                entry=entries[self.shortlisted[3]],
                kind="special",
                name="Special prize of the jury",
                rationale="The jury created this prize.",
                citation="For the young people it gave a say.",
                by=chair,
            )
        discuss(edition=self.edition, entry=None, by=chair)
        confirm_decision(edition=self.edition, by=chair)
        for entry_id in self.shortlisted:
            self.transitions[entry_id] += 1  # awarded, or a finalist
        return Prize.objects.filter(edition=self.edition).count()

    def _publication(self) -> int:
        now = timezone.now()
        at = now + datetime.timedelta(minutes=5)
        self.edition = publication.schedule_publication(
            edition=self.edition, by=self.secretariat[0], at=at
        )
        # The scheduler's beat, twice at the moment (two workers, or beat run twice): once.
        published = publication.publish_due(now=at + datetime.timedelta(seconds=10))
        published += publication.publish_due(now=at + datetime.timedelta(seconds=20))
        self.published_runs = len(published)
        self.phase_changes += 1
        self.edition = Edition.objects.get(pk=self.edition.pk)
        return Entry.objects.filter(edition=self.edition, published_at__isnull=False).count()

    # What the database must say.

    def _invariants(self) -> int:
        checks = {
            "every_state_change_logged_once": self._logged_once,
            "no_conflicted_score_counted": self._no_conflicted_score,
            "juror_loads_within_one": self._loads_balanced,
            "one_receipt_per_submission": self._one_receipt_each,
            "no_message_sent_twice": self._no_message_sent_twice,
            "one_certificate_per_prize": self._one_certificate_each,
            "published_once": lambda: (
                self.published_runs == 1 and self.edition.phase == "published"
            ),
            "ranking_equals_recomputation_from_its_export": self._ranking_recomputed,
        }
        for name, check in checks.items():
            self.result.invariants[name] = bool(check())
        return len(checks)

    def _logged_once(self) -> bool:
        logged = Counter(
            dict(
                EntryTransition.objects.filter(entry__edition=self.edition)
                .values("entry")
                .annotate(n=Count("pk"))
                .values_list("entry", "n")
            )
        )
        phases = EditionPhaseChange.objects.filter(edition=self.edition).count()
        self.result.details["transitions_logged"] = sum(logged.values())
        return logged == self.transitions and phases == self.phase_changes

    def _no_conflicted_score(self) -> bool:
        conflicted = set(
            ConflictOfInterest.objects.filter(
                entry__edition=self.edition, lifted_at__isnull=True
            ).values_list("member_id", "entry_id")
        )
        counted = {(s.juror, s.entry) for s in standings.round_scores(self.edition)}
        scored = set(
            Evaluation.objects.filter(
                assignment__entry__edition=self.edition, status=Evaluation.Status.SUBMITTED
            ).values_list("assignment__member_id", "assignment__entry_id")
        )
        self.result.details["conflicts"] = len(conflicted)
        self.result.details["scored_then_declared"] = len(scored & conflicted)
        # Every submitted evaluation counts but those of a conflict, which were submitted
        # before the juror declared it.
        return bool(scored & conflicted) and counted == scored - conflicted

    def _loads_balanced(self) -> bool:
        """Each juror's load within one of every other's, unless conflicts forbid it: a juror
        two or more below the busiest may be so only when no entry of a busiest juror could
        have gone to them instead (they are in conflict with it, or have it already).
        Assignments of a conflict (scored before it was declared) are no load."""
        conflicted = set(
            ConflictOfInterest.objects.filter(
                entry__edition=self.edition, lifted_at__isnull=True
            ).values_list("member_id", "entry_id")
        )
        given: dict[int, set[int]] = {member.pk: set() for member in self.members}
        pairs = Assignment.objects.filter(entry__edition=self.edition).values_list(
            "member_id", "entry_id"
        )
        for member, entry in pairs:
            if (member, entry) not in conflicted:
                given[member].add(entry)
        barred: dict[int, set[int]] = defaultdict(set)
        for member, entry in conflicted:
            barred[member].add(entry)
        loads = {member: len(entries) for member, entries in given.items()}
        busiest = max(loads.values())
        self.result.details["loads"] = {"min": min(loads.values()), "max": busiest}
        busiest_members = [member for member, load in loads.items() if load == busiest]
        for low, load in loads.items():
            if load >= busiest - 1:
                continue
            for high in busiest_members:
                if given[high] - given[low] - barred[low]:
                    return False
        return True

    def _one_receipt_each(self) -> bool:
        """Each entry submitted has one receipt for each member of its organisation (one here),
        a resubmission after a clarification none more (its key is the entry's)."""
        receipts = Counter(
            int(key.split(":")[1])
            for key in self._sent().filter(kind=Kind.ENTRY_SUBMITTED).values_list("key", flat=True)
        )
        self.result.details["receipts"] = sum(receipts.values())
        self.result.details["submissions"] = self.submissions
        return receipts == Counter(entry.pk for entry in self.entries)

    def _no_message_sent_twice(self) -> bool:
        """The mails that left (to memory) are the outbox's sent rows, one each, address by
        address; no row was sent twice (each has its key once)."""
        sent = self._sent()
        self.result.details["notifications"] = dict(Counter(sent.values_list("kind", flat=True)))
        outbox = Counter(address for envelope in sent_mail for address in envelope.to)
        rows = Counter(sent.values_list("recipient_email", flat=True))
        keys = Counter(envelope.key for envelope in sent_mail)
        self.result.details["mails"] = sum(outbox.values())
        unsent = Notification.objects.filter(created_at__gte=self.started).exclude(
            status=Notification.Status.SENT
        )
        self.result.details["not_sent"] = unsent.count()
        once = max(keys.values(), default=0) <= 1
        once = once and set(keys) == set(sent.values_list("key", flat=True))
        return outbox == rows and once and not unsent.exists()

    def _sent(self):
        return Notification.objects.filter(
            created_at__gte=self.started, status=Notification.Status.SENT
        )

    def _one_certificate_each(self) -> bool:
        prizes = Counter(
            Prize.objects.filter(edition=self.edition).values_list("entry_id", flat=True)
        )
        certificates = Counter(
            Certificate.objects.filter(edition=self.edition, entry__isnull=False)
            .exclude(kind=Certificate.Kind.JURY_THANKS)
            .values_list("entry_id", flat=True)
        )
        # Each certificate of the edition issued: rendered, sealed, its file's digest kept.
        unissued = Certificate.objects.filter(edition=self.edition).filter(
            Q(issued_at__isnull=True) | Q(sha256="") | Q(pdf="")
        )
        self.result.details["certificates"] = sum(certificates.values())
        self.result.details["certificates_not_issued"] = unissued.count()
        return bool(prizes) and prizes == certificates and not unissued.exists()

    def _ranking_recomputed(self) -> bool:
        """The ranking export's means against means recomputed from the evaluations export
        and the conflicts export alone, read back from their CSV."""
        edition = self.edition
        ranking = _read_csv(exports.to_csv([exports.ranking_table(edition, 1)]))
        evaluations = _read_csv(
            exports.to_csv([exports.evaluations_table(edition, 1, pseudonymise=True)])
        )
        conflicts = _read_csv(exports.to_csv([exports.conflicts_table(edition, pseudonymise=True)]))
        excluded = {
            (row["entry_reference"], row["juror_code"])
            for row in conflicts
            if not row.get("lifted_at")
        }
        parts: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        for row in evaluations:
            if row["status"] != "submitted" or row["value"] == "":
                continue
            key = (row["entry_reference"], row["juror_code"])
            if key in excluded:
                continue
            low, high = float(row["scale_min"]), float(row["scale_max"])
            normalised = (float(row["value"]) - low) / (high - low) * 10
            parts[key].append((float(row["weight"]), normalised))
        by_entry: dict[str, list[float]] = defaultdict(list)
        for (reference, _juror), values in parts.items():
            weights = sum(w for w, _v in values)
            if weights:
                by_entry[reference].append(sum(w * v for w, v in values) / weights)
        mismatches = 0
        for row in ranking:
            mine = by_entry.get(row["entry_reference"])
            theirs = row["mean"]
            if not mine:
                mismatches += theirs not in ("", None)
                continue
            if abs(statistics.fmean(mine) - float(theirs)) > 1e-6:
                mismatches += 1
        self.result.details["ranking_rows"] = len(ranking)
        return bool(ranking) and mismatches == 0

    # Helpers.

    def _person(self, handle: str, name: str, *, staff: bool = False) -> User:
        email = f"{handle}-{self.year}@simulated.example"
        user = User.objects.create_user(email=email, password=None, full_name=name)
        if staff:
            user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
        return user

    def _phase_change(self, name: str) -> Edition:
        edition = change_phase(edition=self.edition, name=name, by=self.secretariat[0])
        self.phase_changes += 1
        return edition


def _read_csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
