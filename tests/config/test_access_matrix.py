"""Who gets what at every address of the site: the access matrix.

Every URL pattern the resolver knows (the admin aside) is asked for by every role, in one world
where each address has something real behind it (`World`). What each role gets is one table,
`EXPECTED`, a row per route name; a route without its row fails the first test, so a new page
cannot be forgotten.

Each answer is read for the world's secrets (titles and file names of the organisation's
entries, a juror's comments, the chair's rationale, the meeting's notes, the secretariat's
internal note, the jury's decision): a refused role's answer carries none of them, an allowed
role's exactly those it may read. Pages are asked for with GET; the addresses that take nothing
but a POST are posted to, empty, with the CSRF token.

A change is caught as it is made: every statement the request runs is seen (an execute wrapper),
and one that writes a row (the session's aside) is a change. No GET writes (but the link mailed
to confirm an address, which confirms it), nothing refused writes, whoever may not open a page
may not post to it, a GET to an address for posts only is refused, and every address that takes
a POST (derived from its view's decorators, class or django-ninja operations, not kept by hand)
refuses one without the CSRF token and writes nothing.
"""

import datetime
import functools
import inspect
import io
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import redirect_to_login
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.services import CONFIRMATION_LINK
from awards import certificates
from awards.models import (
    Attachment,
    Entry,
    EntryTransition,
    OrganisationInvitation,
    OrganisationMembership,
)
from awards.services import publication
from awards.services.organisations import invitation_token as colleague_token
from awards.services.partners import partner_token
from jury.models import (
    Assignment,
    ConflictOfInterest,
    CriterionScore,
    Evaluation,
    MeetingNote,
    Prize,
)
from jury.services import add_default_criteria, deliberation_for, settings_for
from jury.services import invitation_token as juror_token
from notifications.models import Notification
from tests.factories import (
    EditionFactory,
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    PartnerFactory,
    ProjectFactory,
    QuestionFactory,
    SecretariatFactory,
    UserFactory,
    complete_entry,
)
from tests.support.forms import address, routes

DAY = datetime.timedelta(days=1)

# The secrets of the world. X is the organisation's entry on the jury's shortlist; D its draft
# in the open call.
X_TITLE = "Quokka bridges of Oulu and Zinder"
X_FILE = "quokka-budget.txt"
SCORE_COMMENT = "The quokka budget looks thin"  # the assigned juror's, on a criterion
OVERALL_COMMENT = "Quokka verdict: promising"  # the assigned juror's, on the whole entry
RATIONALE = "Quokka rationale of the chair"  # of the prize recorded, not yet confirmed
MEETING_NOTE = "Quokka meeting: ask about the budget"
INTERNAL_NOTE = "Quokka internal: the mayor called"  # the secretariat's, when screening
SHORTLIST_NOTE = "Quokka made the shortlist"  # the jury's decision, secret until published
# What the conflicted juror wrote of X before the conflict was known: counted nowhere, shown to
# nobody.
CONFLICTED_COMMENT = "Quokka, as the conflicted juror saw it"
D_TITLE = "Narwhal draft of Oulu and Zinder"
D_FILE = "narwhal-letter.txt"
# What a page shows of X itself, and of its juror's evaluation.
X = (X_TITLE, X_FILE)
EVALUATION = (SCORE_COMMENT, OVERALL_COMMENT)
SECRETS = (
    *X,
    *EVALUATION,
    CONFLICTED_COMMENT,
    RATIONALE,
    MEETING_NOTE,
    INTERNAL_NOTE,
    SHORTLIST_NOTE,
    D_TITLE,
    D_FILE,
)

ROLES = (
    "anonymous",
    "owner",  # acts for the organisation of X and D
    "other_member",  # acts for another organisation
    "partner",  # no account: holds the signed link of D's partner
    "juror",  # scores X
    "unassigned_juror",  # on the same jury, scores another entry
    "conflicted_juror",  # was given X, then declared a conflict of interest with it
    "chair",
    "secretariat",
)
WITHOUT_ACCOUNT = ("anonymous", "partner")


@dataclass(frozen=True)
class Outcome:
    """What a role gets: the status, whether it is let through (`allowed`), where a redirect
    leads (a URL name, or a path outside the resolver) and the secrets the answer shows."""

    status: int
    allowed: bool = field(default=True, compare=False)
    to: str = ""
    sees: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return " ".join(
            [str(self.status), *([f"to {self.to}"] if self.to else []), *sorted(self.sees)]
        )

    def seeing(self, *secrets: str) -> "Outcome":
        return Outcome(self.status, self.allowed, self.to, frozenset(secrets))


OK = Outcome(200, True)
# Let through, and the empty form posted is refused as such.
INVALID = Outcome(400, True)
# Refused: sent to the sign-in page (with the address asked for as `next`), Django's "403
# Forbidden" (a PermissionDenied), the site's "Page not found" (or the page of a link that
# cannot be used), an htmx status line saying no.
SIGN_IN = Outcome(302, False, "accounts:login")
FORBIDDEN = Outcome(403, False)
NOT_FOUND = Outcome(404, False)
SAYS_NO = Outcome(200, False)


def moved(to: str) -> Outcome:
    """Let through, then sent on to `to`."""
    return Outcome(302, True, to)


def sent_back(to: str) -> Outcome:
    """Refused with a message, on the page `to`."""
    return Outcome(302, False, to)


def anyone(outcome: Outcome, **roles: Outcome) -> dict[str, Outcome]:
    """`outcome` for every role but those named."""
    return {role: roles.get(role, outcome) for role in ROLES}


def signed_in(outcome: Outcome, **roles: Outcome) -> dict[str, Outcome]:
    """The sign-in page for those without an account, `outcome` for the others but those
    named."""
    return anyone(outcome, **(dict.fromkeys(WITHOUT_ACCOUNT, SIGN_IN) | roles))


def secretariat_only(outcome: Outcome = OK) -> dict[str, Outcome]:
    return signed_in(FORBIDDEN, secretariat=outcome)


def deliberation(outcome: Outcome, **roles: Outcome) -> dict[str, Outcome]:
    """What the chair and the secretariat run: `outcome` for both, refused to the others."""
    return signed_in(FORBIDDEN, chair=outcome, secretariat=outcome, **roles)


def jury(outcome: Outcome, **roles: Outcome) -> dict[str, Outcome]:
    """What the whole jury reads: `outcome` for every juror, refused to the others."""
    jurors = ("juror", "unassigned_juror", "conflicted_juror", "chair")
    return signed_in(FORBIDDEN, **(dict.fromkeys(jurors, outcome) | roles))


def organisation(outcome: Outcome) -> dict[str, Outcome]:
    """What the organisation's members and the secretariat manage: refused to the others."""
    return signed_in(FORBIDDEN, owner=outcome, secretariat=outcome)


def of_the_entry(owner: Outcome, secretariat: Outcome) -> dict[str, Outcome]:
    """Of an entry: not found for whoever neither acts for its organisation nor is the
    secretariat, whether it exists or not."""
    return signed_in(NOT_FOUND, owner=owner, secretariat=secretariat)


DASHBOARD = moved("dashboard")
ON_THE_BOARD = OK.seeing(X_TITLE, *EVALUATION, MEETING_NOTE)
BACK_TO_ORGANISATION = moved("awards:organisation_detail")

# Per route name, what each role gets. The addresses are those of the world below: entries/
# pages reach X (its editing pages the draft D), jury pages X's edition, its juror's assignment
# and evaluation, certificates the organisation's published winner's.
EXPECTED: dict[str, dict[str, Outcome]] = {
    # The site's frame and the accounts.
    "home": signed_in(DASHBOARD, anonymous=OK, partner=OK),
    "dashboard": signed_in(OK, owner=OK.seeing(X_TITLE, D_TITLE)),
    "healthz": anyone(OK),
    "favicon": anyone(moved("/static/img/favicon.svg")),
    "accounts:login": signed_in(DASHBOARD, anonymous=OK, partner=OK),
    "accounts:sign_up": signed_in(DASHBOARD, anonymous=OK, partner=OK),
    "accounts:logout": signed_in(moved("home")),
    "accounts:password_reset": anyone(OK),
    "accounts:password_reset_done": anyone(OK),
    # A stranger's reset link: whoever holds it sets the password (the link is the proof).
    "accounts:password_reset_confirm": anyone(moved("accounts:password_reset_confirm")),
    "accounts:password_reset_complete": anyone(OK),
    "accounts:password_change": signed_in(OK),
    "accounts:profile": signed_in(OK),
    # A stranger's confirmation link confirms the stranger's address, whoever follows it.
    "accounts:confirm_email": anyone(moved("accounts:login")),
    "accounts:resend_confirmation": signed_in(DASHBOARD),
    "accounts:set_language": anyone(moved("home")),
    # The outbox.
    "notifications:outbox": secretariat_only(),
    "notifications:outbox_resend": secretariat_only(moved("notifications:outbox")),
    "notifications:outbox_preview": secretariat_only(),
    "notifications:outbox_preview_html": secretariat_only(),
    # The public site and the open data: the published winner, nothing of X or D.
    "api_docs": anyone(OK),
    "api:openapi-json": anyone(OK),
    "api:list_editions": anyone(OK),
    "api:get_edition": anyone(OK),
    "api:list_entries": anyone(OK),
    "api:get_entry": anyone(OK),
    # The API's root is no page of its own (its documentation is api_docs).
    "api:api-root": anyone(NOT_FOUND),
    "showcase:results_index": anyone(OK),
    "showcase:import": secretariat_only(),
    "showcase:results": anyone(OK),
    "showcase:gallery": anyone(OK),
    "showcase:gallery_csv": anyone(OK),
    "showcase:world_map": anyone(OK),
    "showcase:feed": anyone(OK),
    "showcase:entry": anyone(OK),
    "showcase:file": anyone(OK),
    "showcase:sitemap": anyone(OK),
    "showcase:robots": anyone(OK),
    # The secretariat runs the jury.
    "jury:members": secretariat_only(),
    "jury:remove_member": secretariat_only(moved("jury:members")),
    "jury:rubric": secretariat_only(),
    "jury:conflicts": secretariat_only(OK.seeing(X_TITLE)),
    "jury:lift_conflict": secretariat_only(moved("jury:conflicts")),
    "jury:assignments": secretariat_only(OK.seeing(X_TITLE)),
    "jury:progress": secretariat_only(OK.seeing(X_TITLE)),
    "jury:more_time": secretariat_only(),
    "jury:remind": secretariat_only(moved("jury:progress")),
    "jury:evaluation": secretariat_only(OK.seeing(X_TITLE, *EVALUATION)),
    "jury:current": secretariat_only(moved("jury:members")),
    "jury:shortlist": secretariat_only(OK.seeing(X_TITLE)),
    "jury:undo_shortlist": secretariat_only(moved("jury:shortlist")),
    "jury:ranking_settings": secretariat_only(INVALID),
    "jury:exports": secretariat_only(),
    "jury:reopen": secretariat_only(moved("jury:decision")),
    # The deliberation: the chair and the secretariat run it, the whole jury reads the board
    # (every juror's comments included), a juror in conflict with X reads nothing of it.
    "jury:ranking": deliberation(OK.seeing(X_TITLE)),
    "jury:board": jury(ON_THE_BOARD, conflicted_juror=OK, secretariat=ON_THE_BOARD),
    "jury:board_current": jury(
        OK.seeing(X_TITLE), conflicted_juror=OK, secretariat=OK.seeing(X_TITLE)
    ),
    "jury:discuss": deliberation(moved("jury:board")),
    "jury:round_two": deliberation(moved("jury:board")),
    "jury:meeting_note": deliberation(moved("jury:board")),
    "jury:ballot": jury(OK.seeing(X_TITLE), conflicted_juror=OK),
    "jury:ballot_open": deliberation(moved("jury:board")),
    "jury:ballot_close": deliberation(moved("jury:board")),
    "jury:decision": deliberation(OK.seeing(X_TITLE, RATIONALE)),
    "jury:remove_prize": deliberation(moved("jury:decision")),
    # The chair alone confirms the decision.
    "jury:joint_prizes": signed_in(FORBIDDEN, chair=moved("jury:decision")),
    "jury:confirm": signed_in(FORBIDDEN, chair=moved("jury:decision")),
    "jury:report": deliberation(OK.seeing(X_TITLE, RATIONALE)),
    # An invited newcomer's link, someone else's: whoever holds it may set the newcomer's
    # password and sit on the jury as them (the link is the proof).
    "jury:invitation": anyone(OK),
    # The juror's own pages: a person's own jury work (none for most), and their assignment:
    # nobody else's exists for them, nor one of an entry they are in conflict with.
    "jury:home": signed_in(OK, juror=OK.seeing(X_TITLE)),
    "jury:score": signed_in(NOT_FOUND, juror=OK.seeing(*X, *EVALUATION)),
    "jury:score_autosave": signed_in(NOT_FOUND, juror=OK),
    "jury:declare_conflict": signed_in(NOT_FOUND, juror=OK.seeing(X_TITLE)),
    "jury:attachment": signed_in(NOT_FOUND, juror=OK.seeing(X_FILE)),
    # Certificates: verification is public; the file, once the results are, is the
    # organisation's and the secretariat's.
    "awards:certificate_lookup": anyone(OK),
    "awards:certificate_check": anyone(moved("awards:certificate_lookup")),
    "awards:seal_certificate": anyone(OK),
    "awards:credential_issuer": anyone(OK),
    "awards:credential_keys": anyone(OK),
    "awards:credential_check": anyone(OK),
    "awards:credential_download": of_the_entry(owner=OK, secretariat=OK),
    "awards:certificate_download": of_the_entry(owner=OK, secretariat=OK),
    "awards:certificate_verify": anyone(OK),
    "awards:edition_certificates": secretariat_only(),
    "awards:edition_signatories": secretariat_only(),
    "awards:edition_certificates_zip": secretariat_only(),
    "awards:certificate_correct": secretariat_only(),
    "awards:certificate_revoke": secretariat_only(moved("awards:edition_certificates")),
    # Editions and screening.
    "awards:call_detail": anyone(OK),
    "awards:edition_list": secretariat_only(),
    "awards:edition_create": secretariat_only(),
    "awards:edition_update": secretariat_only(),
    "awards:edition_clone": secretariat_only(moved("awards:edition_update")),
    "awards:edition_phase": secretariat_only(moved("awards:edition_update")),
    "awards:edition_reminders": secretariat_only(),
    "awards:edition_publication": secretariat_only(),
    "awards:screening_queue": secretariat_only(),
    "awards:screening_bulk": secretariat_only(moved("awards:screening_queue")),
    "awards:screening_entry": secretariat_only(OK.seeing(*X, INTERNAL_NOTE, SHORTLIST_NOTE)),
    # Organisations: their members and the secretariat.
    "awards:organisation_list": secretariat_only(),
    "awards:organisation_create": signed_in(OK),
    "awards:organisation_join": signed_in(OK),
    "awards:organisation_detail": organisation(OK),
    "awards:membership_decide": organisation(BACK_TO_ORGANISATION),
    "awards:colleague_invite": organisation(OK),
    "awards:organisation_update": organisation(OK),
    "awards:membership_remove": organisation(BACK_TO_ORGANISATION),
    "awards:invitation_revoke": organisation(BACK_TO_ORGANISATION),
    # A colleague's invitation, someone else's: it names the organisation, only the invited
    # address may accept it.
    "awards:invitation_accept": anyone(
        OK, anonymous=sent_back("accounts:sign_up"), partner=sent_back("accounts:sign_up")
    ),
    # Entries: the organisation's members and the secretariat read them (the jury reads X on
    # its own pages); the secretariat's history shows the jury's decision, not to applicants
    # before the results are published.
    "awards:entry_create": signed_in(FORBIDDEN, owner=OK, other_member=OK),
    "awards:entry_detail": of_the_entry(
        owner=OK.seeing(*X), secretariat=OK.seeing(*X, SHORTLIST_NOTE)
    ),
    "awards:entry_review": of_the_entry(owner=OK.seeing(*X), secretariat=OK.seeing(*X)),
    "awards:entry_pdf": of_the_entry(owner=OK.seeing(*X), secretariat=OK.seeing(*X)),
    "awards:attachment_download": of_the_entry(
        owner=OK.seeing(X_FILE), secretariat=OK.seeing(X_FILE)
    ),
    "awards:entry_extension": of_the_entry(
        owner=FORBIDDEN, secretariat=moved("awards:entry_detail")
    ),
    "awards:entry_public_text": secretariat_only(),
    # The draft: its organisation changes it; the secretariat reads it only, and is told so.
    "awards:entry_edit": of_the_entry(
        owner=OK.seeing(D_TITLE), secretariat=sent_back("awards:entry_detail")
    ),
    "awards:entry_autosave": of_the_entry(owner=OK, secretariat=SAYS_NO),
    "awards:entry_transition": of_the_entry(
        owner=OK.seeing(D_TITLE), secretariat=sent_back("awards:entry_detail")
    ),
    "awards:entry_delete": of_the_entry(owner=OK.seeing(D_TITLE), secretariat=FORBIDDEN),
    "awards:attachment_remove": of_the_entry(
        owner=moved("awards:entry_edit"), secretariat=FORBIDDEN
    ),
    "awards:partners_ask": of_the_entry(owner=moved("awards:entry_detail"), secretariat=FORBIDDEN),
    # The partner's link is the partner's alone; the others hold it cut short.
    "awards:partner_respond": anyone(NOT_FOUND, partner=OK.seeing(D_TITLE)),
}


# Route names whose GET writes by design: following the link mailed to confirm an address
# confirms it.
WRITING_GETS = {"accounts:confirm_email"}
CSRF_REFUSAL = "The form could not be sent"  # the heading of templates/403_csrf.html


# The routes, by name -------------------------------------------------------------------------


def accepted_methods(view) -> set[str] | None:
    """The HTTP methods `view` answers, read from its decorators (require_POST,
    require_http_methods...), its class or its django-ninja operations; None when it takes any
    (and reads the method itself, if at all)."""
    if isinstance(view, functools.partial):
        view = view.func
    if hasattr(view, "view_class"):
        names = view.view_class.http_method_names
        return {
            name.upper() for name in names if name != "options" and hasattr(view.view_class, name)
        }
    while view is not None:
        try:
            enclosed = inspect.getclosurevars(view).nonlocals
        except TypeError:  # a callable object, such as a feed
            enclosed = {}
        if "request_method_list" in enclosed:
            return set(enclosed["request_method_list"])
        if hasattr(enclosed.get("self"), "operations"):
            return {
                method for operation in enclosed["self"].operations for method in operation.methods
            }
        view = getattr(view, "__wrapped__", None)
    return None


def named_routes() -> dict[str, tuple[str, URLPattern]]:
    """Every URL of the site but the admin, by its route name (with its namespace)."""
    named = {}
    for route, pattern in routes():
        # Any value of the converter's kind names the route; a reference has a shape of its own.
        sample = {
            name: "PA2030-0001" if name == "reference" else 1 for name in pattern.pattern.converters
        }
        named[resolve(address(route, sample)).view_name] = (route, pattern)
    return named


ROUTES = named_routes()
METHODS = {name: accepted_methods(pattern.callback) for name, (_, pattern) in ROUTES.items()}
# Pages are asked for; the addresses that take nothing but a POST are posted to, empty.
POSTS_ONLY = [name for name in EXPECTED if METHODS.get(name) == {"POST"}]
TAKES_POSTS = [name for name in EXPECTED if METHODS.get(name) is None or "POST" in METHODS[name]]
PAGES_TAKING_POSTS = [name for name in TAKES_POSTS if name not in POSTS_ONLY]


def allowed(name: str) -> list[str]:
    return [role for role, outcome in EXPECTED[name].items() if outcome.allowed]


def refused(name: str) -> list[str]:
    return [role for role, outcome in EXPECTED[name].items() if not outcome.allowed]


# The world ----------------------------------------------------------------------------------

ASSIGNMENT_PAGES = ("jury:score", "jury:score_autosave", "jury:declare_conflict", "jury:attachment")


def attach(entry: Entry, name: str, *, public: bool = False) -> Attachment:
    return Attachment.objects.create(
        entry=entry,
        file=ContentFile(b"evidence", name="evidence.txt"),
        original_name=name,
        content_type="text/plain",
        size=8,
        sha256="0" * 64,
        is_public=public,
    )


def edition_in(phase: str, *, year: int, ago: int, **fields):
    """An edition whose call opened `ago` days ago, its dates as a real one's follow."""
    now = timezone.now()
    return EditionFactory(
        year=year,
        phase=phase,
        call_opens=now - ago * DAY,
        submission_deadline=now - (ago - 30) * DAY,
        clarification_deadline=now - (ago - 40) * DAY,
        scoring_opens=now - (ago - 50) * DAY,
        scoring_deadline=now - (ago - 80) * DAY,
        deliberation_at=now - (ago - 85) * DAY,
        announcement_at=now - (ago - 95) * DAY,
        **fields,
    )


def evaluate(member, entry, value: str, *, comment: str = "", overall: str = "") -> Evaluation:
    evaluation = Evaluation.objects.create(
        assignment=Assignment.objects.create(member=member, entry=entry),
        status=Evaluation.Status.SUBMITTED,
        submitted_at=timezone.now() - 20 * DAY,
        comment=overall,
    )
    for criterion in member.edition.criteria.all():
        CriterionScore.objects.create(
            evaluation=evaluation, criterion=criterion, value=Decimal(value), comment=comment
        )
    return evaluation


class World:
    """The organisation's draft D in the open call, its partner asked to confirm; its entry X
    on the shortlist of an edition in deliberation (screened with an internal note, scored by
    its juror, given the first prize by the chair, discussed in the meeting, the ballot open);
    a rival's entry scored by another juror; its winner of a published edition, with a
    certificate; a colleague invited, a person asking to join, a juror invited, an edition in
    preparation, a stranger's links, an outbox message."""

    def __init__(self, media: str):
        self.media = media
        self.now = timezone.now()
        self.secretariat = SecretariatFactory(full_name="Sam Secretariat")
        self._applicants()
        self._jury()
        self._deliberation()
        self._published()
        self.stranger = UserFactory(full_name="Zed Stranger", email_verified_at=None)
        self.notification = Notification.objects.create(
            kind="entry.submitted", key="access-matrix", recipient_email=self.stranger.email
        )
        self.in_preparation = EditionFactory(year=2034, phase="draft")
        self._addresses()
        self.sessions = self._sessions()

    def _applicants(self) -> None:
        self.owner = MembershipFactory(user__full_name="Olga Owner")
        self.organisation = self.owner.organisation
        self.other = MembershipFactory(user__full_name="Otto Other")
        open_call = self.open_call = EditionFactory(year=2032)
        QuestionFactory(edition=open_call)
        self.draft = complete_entry(
            EntryFactory(edition=open_call, organisation=self.organisation, title=D_TITLE)
        )
        self.partner = self.draft.partners.get()
        self.partner.requested_at = self.now
        self.partner.save()
        self.draft_file = attach(self.draft, D_FILE)
        self.invitation = OrganisationInvitation.objects.create(
            organisation=self.organisation, email="invited@example.org", invited_by=self.owner.user
        )
        self.waiting = OrganisationMembership.objects.create(
            organisation=self.organisation, user=UserFactory(full_name="Wanda Waiting")
        )

    def _jury(self) -> None:
        edition = self.jury_edition = edition_in("deliberation", year=2031, ago=90)
        add_default_criteria(edition=edition)
        # Saved as the first jury page would save them, so that no GET below has to.
        settings_for(edition)
        entry = self.entry = complete_entry(
            EntryFactory(edition=edition, organisation=self.organisation, title=X_TITLE)
        )
        # Marked public for after the publication, which has not come.
        self.entry_file = attach(entry, X_FILE, public=True)
        Entry.objects.filter(pk=entry.pk).update(state="shortlisted")
        for transition, source, target, notes in [
            ("submit", "draft", "submitted", {}),
            ("mark_eligible", "submitted", "eligible", {"internal_note": INTERNAL_NOTE}),
            ("open_review", "eligible", "in_review", {}),
            ("shortlist", "in_review", "shortlisted", {"note": SHORTLIST_NOTE}),
        ]:
            EntryTransition.objects.create(
                entry=entry,
                transition=transition,
                source_state=source,
                target_state=target,
                **notes,
            )
        rival = complete_entry(
            EntryFactory(edition=edition, organisation=self.other.organisation, title="Rival")
        )
        Entry.objects.filter(pk=rival.pk).update(state="not_shortlisted")
        self.juror, self.unassigned, self.conflicted = (
            JuryMemberFactory(edition=edition, user__full_name=name)
            for name in ("Jules Juror", "Uma Unassigned", "Carl Conflicted")
        )
        self.chair = JuryMemberFactory(edition=edition, is_chair=True, user__full_name="Chloe")
        self.invitee = JuryMemberFactory(edition=edition, accepted_at=None, user__password=None)
        self.evaluation = evaluate(
            self.juror, entry, "7", comment=SCORE_COMMENT, overall=OVERALL_COMMENT
        )
        evaluate(self.unassigned, rival, "4")
        self.conflicted_assignment = evaluate(
            self.conflicted, entry, "2", overall=CONFLICTED_COMMENT
        ).assignment
        self.conflict = ConflictOfInterest.objects.create(
            member=self.conflicted, entry=entry, kind="declared"
        )

    def _deliberation(self) -> None:
        meeting = deliberation_for(self.jury_edition)
        meeting.shortlist_confirmed_at = self.now - 4 * DAY
        meeting.current_entry = self.entry
        meeting.ballot_opened_at = self.now - DAY
        meeting.save()
        MeetingNote.objects.create(
            edition=self.jury_edition,
            entry=self.entry,
            text=MEETING_NOTE,
            updated_by=self.chair.user,
            updated_at=self.now,
        )
        self.prize = Prize.objects.create(
            edition=self.jury_edition,
            entry=self.entry,
            kind="first",
            rationale=RATIONALE,
            decided_at=self.now,
            decided_by=self.chair.user,
        )

    def _published(self) -> None:
        edition = self.published = edition_in(
            "deliberation", year=2030, ago=400, results_locked_at=self.now - DAY
        )
        edition.announcement_at = self.now - DAY
        edition.save()
        winner = self.winner = EntryFactory(
            edition=edition,
            organisation=self.organisation,
            title="Public wells of Oulu",
            summary="Wells for every district.",
            public_display=True,
        )
        Entry.objects.filter(pk=winner.pk).update(state="awarded")
        winner.sdgs.set([6])
        PartnerFactory(entry=winner, status="confirmed")
        ProjectFactory(entry=winner)
        self.public_file = attach(winner, "public-wells-map.txt", public=True)
        Prize.objects.create(
            edition=edition, entry=winner, kind="first", decided_at=self.now, confirmed_at=self.now
        )
        publication.publish_now(edition=edition, by=self.secretariat)
        winner.refresh_from_db()
        self.certificate = certificates.request_certificate(
            edition=edition,
            kind="prize",
            source=f"prize:{winner.pk}",
            entry=winner,
            prize_name="1st prize",
            citation="Wells for every district.",
            recipients=certificates.entry_recipients(winner),
            language="en",
        )
        certificates.issue(self.certificate.pk)

    def _addresses(self) -> None:
        self.urls = {name: self.address(route) for name, (route, _) in ROUTES.items()}
        # Where a role asks at an address of its own: the partner at its link (the others hold
        # it cut short), the conflicted juror at the assignment it was given.
        self.own_urls = {("awards:partner_respond", "partner"): f"/partners/{self.partner_token}/"}
        for name in ASSIGNMENT_PAGES:
            self.own_urls[name, "conflicted_juror"] = self.address(
                ROUTES[name][0], pk=self.conflicted_assignment.pk
            )
        # X's addresses on the public site, and the call of the edition in preparation.
        reference, slug = self.entry.reference, self.jury_edition.slug
        self.not_public_yet = {
            "showcase:entry": f"/gallery/{reference}/",
            "showcase:file": f"/gallery/{reference}/files/{self.entry_file.pk}/",
            "showcase:results": f"/results/{slug}/",
            "api:get_entry": f"/api/entries/{reference}",
            "api:get_edition": f"/api/editions/{slug}",
            "awards:call_detail": f"/calls/{self.in_preparation.slug}/",
        }

    @property
    def partner_token(self) -> str:
        return partner_token(self.partner)

    def address(self, route: str, **overrides: object) -> str:
        """`route`'s address in this world: the object each role tries to reach."""
        values = {
            "pk": self.entry.pk,
            "slug": self.jury_edition.slug,
            "step": "basics",
            "name": "withdraw",
            "kind": "entry.submitted",
            "membership_pk": self.waiting.pk,
            "invitation_pk": self.invitation.pk,
            "attachment_pk": self.entry_file.pk,
            "code": self.certificate.code,
            "format": "jwt",
            "reference": self.winner.reference,
            "uidb64": urlsafe_base64_encode(force_bytes(self.stranger.pk)),
        }
        return address(route, values | self._reached(route) | overrides)

    def _reached(self, route: str) -> dict[str, object]:
        """The values of the routes that reach something else than X and its jury."""
        evaluation, published = self.evaluation, {"slug": self.published.slug}
        if route.startswith(("entries/<int:pk>/edit", "entries/<int:pk>/autosave")) or route in (
            "entries/<int:pk>/transition/<slug:name>/",
            "entries/<int:pk>/delete/",
            "entries/<int:pk>/partners/ask/",
        ):
            return {"pk": self.draft.pk}
        if route.startswith("organisations/<int:pk>/"):
            return {"pk": self.organisation.pk}
        if route.startswith("jury/assignments/"):
            return {"pk": evaluation.assignment_id}
        if route.startswith("editions/<slug:slug>/certificates"):
            return published | {"pk": self.certificate.pk}
        return {
            "entries/<int:pk>/attachments/<int:attachment_pk>/remove/": {
                "pk": self.draft.pk,
                "attachment_pk": self.draft_file.pk,
            },
            "entries/<int:pk>/public-text/": {"pk": self.winner.pk},
            "invitations/<str:token>/": {"token": colleague_token(self.invitation)},
            "jury/invitations/<str:token>/": {"token": juror_token(self.invitee)},
            "accounts/confirm/<str:token>/": {
                "token": CONFIRMATION_LINK.make(u=self.stranger.pk, e=self.stranger.email)
            },
            "accounts/password/reset/<uidb64>/<token>/": {
                "token": default_token_generator.make_token(self.stranger)
            },
            "partners/<str:token>/": {"token": self.partner_token[:-4]},
            "outbox/<int:pk>/resend/": {"pk": self.notification.pk},
            "editions/<slug:slug>/jury/members/<int:pk>/remove/": {"pk": self.invitee.pk},
            "editions/<slug:slug>/jury/conflicts/<int:pk>/lift/": {"pk": self.conflict.pk},
            "editions/<slug:slug>/jury/assignments/<int:pk>/more-time/": {
                "pk": evaluation.assignment_id
            },
            "editions/<slug:slug>/jury/progress/<int:pk>/remind/": {"pk": self.juror.pk},
            "editions/<slug:slug>/jury/evaluations/<int:pk>/": {"pk": evaluation.pk},
            "editions/<slug:slug>/jury/decision/prizes/<int:pk>/remove/": {"pk": self.prize.pk},
            "gallery/<reference:reference>/files/<int:pk>/": {"pk": self.public_file.pk},
            "calls/<slug:slug>/": {"slug": self.open_call.slug},
            "results/<slug:slug>/": published,
            "api/editions/<slug>": published,
            "editions/<slug:slug>/signatories/": published,
            "editions/<slug:slug>/phase/<slug:name>/": {"name": "archive"},
        }.get(route, {})

    def _sessions(self) -> dict[str, str]:
        users = {
            "owner": self.owner.user,
            "other_member": self.other.user,
            "juror": self.juror.user,
            "unassigned_juror": self.unassigned.user,
            "conflicted_juror": self.conflicted.user,
            "chair": self.chair.user,
            "secretariat": self.secretariat,
        }
        sessions = {}
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return sessions

    def url(self, name: str, role: str) -> str:
        return self.own_urls.get((name, role), self.urls[name])


@pytest.fixture(scope="module")
def built_world(
    django_db_setup, django_db_blocker, tmp_path_factory, seal_path, credential_key_path
):
    """One world for the whole module, in a transaction rolled back at its end; each test, and
    each request in it, runs in a savepoint of its own."""
    media = str(tmp_path_factory.mktemp("access-media"))
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            CERTIFICATE_SEAL_FILE=seal_path,
            CERTIFICATE_SEAL_PASSWORD="test",
            CREDENTIAL_KEY_FILE=credential_key_path,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield World(media)
        transaction.set_rollback(True)


@pytest.fixture
def world(built_world, db, settings, _test_settings) -> World:
    """The world, its files where the test's settings look for them."""
    settings.MEDIA_ROOT = built_world.media
    return built_world


# Asking ---------------------------------------------------------------------------------------


class Writes:
    """The statements that write a row (the session's aside), run while it is installed as the
    connection's execute wrapper."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        writing = sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE")
        if writing and "django_session" not in sql:
            self.statements.append(sql)
        return execute(sql, params, many, context)


@dataclass
class Answer:
    url: str
    status: int
    location: str
    text: str  # the body (a PDF's text), with the name of a file sent
    writes: list[str]

    def outcome(self) -> Outcome:
        """What the role got, as the matrix writes it."""
        to = ""
        if self.location == redirect_to_login(self.url)["Location"]:
            to = SIGN_IN.to
        elif self.location:
            path = urlsplit(self.location).path
            to = path if path.startswith(settings.STATIC_URL) else resolve(path).view_name
        found = frozenset(secret for secret in SECRETS if secret in self.text)
        return Outcome(self.status, to=to, sees=found)


def ask(world: World, role: str, method: str, url: str, *, csrf_checks: bool = False) -> Answer:
    """`role`'s request, in a savepoint rolled back after it: what one role does is never what
    the next one finds."""
    client = Client(enforce_csrf_checks=csrf_checks, raise_request_exception=False)
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    writes = Writes()
    with transaction.atomic(), connection.execute_wrapper(writes):
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    location = response.get("Location", "")
    return Answer(url, response.status_code, location, text_of(response), writes.statements)


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        import pypdf

        body = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    else:
        body = body.decode(errors="replace")
    return body + response.get("Content-Disposition", "")


def wrote(answers: dict[str, Answer]) -> dict[str, list[str]]:
    return {role: answer.writes for role, answer in answers.items() if answer.writes}


# The tests -----------------------------------------------------------------------------------


def test_every_route_of_the_site_has_its_row_in_the_matrix():
    # Each route is reached by its own address, and no two routes share a name.
    assert sorted(route for route, _ in ROUTES.values()) == sorted(r for r, _ in routes())
    assert set(ROUTES) == set(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_each_role_gets_what_the_matrix_says(world, name):
    method = "post" if name in POSTS_ONLY else "get"

    answers = {role: ask(world, role, method, world.url(name, role)) for role in ROLES}

    assert {role: answer.outcome() for role, answer in answers.items()} == EXPECTED[name]
    # Nothing asked for writes a row (but a link mailed to confirm an address), nor does
    # anything refused.
    if method == "post" or name in WRITING_GETS:
        answers = {role: answers[role] for role in refused(name)}
    assert wrote(answers) == {}


@pytest.mark.parametrize("name", PAGES_TAKING_POSTS)
def test_who_may_not_open_a_page_may_not_post_to_it(world, name):
    answers = {role: ask(world, role, "post", world.url(name, role)) for role in refused(name)}

    assert {role: answer.outcome() for role, answer in answers.items()} == {
        role: EXPECTED[name][role] for role in refused(name)
    }
    assert wrote(answers) == {}


@pytest.mark.parametrize("name", TAKES_POSTS)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world, name):
    """Posted by the first role the route lets through (whoever fills in its form: the
    anonymous visitor on the sign-in page, the owner on the draft, the juror on the score
    sheet...), with a session and everything but the token."""
    roles = allowed(name)[:1] or ["anonymous"]

    answers = {
        role: ask(world, role, "post", world.url(name, role), csrf_checks=True) for role in roles
    }

    assert {role: (a.status, CSRF_REFUSAL in a.text) for role, a in answers.items()} == (
        dict.fromkeys(roles, (403, True))
    )
    assert wrote(answers) == {}


@pytest.mark.parametrize("name", POSTS_ONLY)
def test_a_get_to_an_address_that_only_takes_a_post_changes_nothing(world, name):
    answers = {role: ask(world, role, "get", world.url(name, role)) for role in allowed(name)}

    assert {role: answer.status for role, answer in answers.items()} == dict.fromkeys(
        allowed(name), 405
    )
    assert wrote(answers) == {}


@pytest.mark.parametrize(
    "name",
    [
        "showcase:entry",
        "showcase:file",
        "showcase:results",
        "api:get_entry",
        "api:get_edition",
        "awards:call_detail",
    ],
)
def test_what_is_not_public_yet_has_no_public_address(world, name):
    """X before its edition's results are published, the call of an edition in preparation."""
    answers = {role: ask(world, role, "get", world.not_public_yet[name]) for role in ROLES}

    assert {role: answer.outcome() for role, answer in answers.items()} == anyone(NOT_FOUND)
