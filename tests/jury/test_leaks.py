"""What a juror can reach, systematically: every page of the site they can open, and every page
with an id guessed in its URL, never shows an entry they are conflicted with, nor the other
jurors' scores and comments before the juror has committed to their own."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from awards.models import Answer, Attachment, Entry
from jury import scoring, services
from jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember, JurySettings
from notifications.kinds import Kind
from tests.factories import (
    EntryFactory,
    JuryMemberFactory,
    MembershipFactory,
    QuestionFactory,
    SecretariatFactory,
    complete_entry,
    scoring_edition,
)

pytestmark = pytest.mark.django_db

X_SECRETS = [
    "ZEBRA-SECRET-TITLE",
    "ZEBRA-SECRET-SUMMARY",
    "ZEBRA-SECRET-ANSWER",
    "ZEBRA-SECRET-FILE",
    "ZEBRA-SECRET-ATTACHMENT-NAME",
    "ZEBRA-A-DRAFT",  # what A typed on X before the conflict was recorded
    "ZEBRA-COMMENT-B",
    "ZEBRA-COMMENT-C",
    "ZEBRA-CRITERION-B",
]
# The other jurors' evaluations of Y: overall comments, criterion comments and values.
B_ON_Y = ["OTTER-COMMENT-B", "3.25"]
C_ON_Y = ["OTTER-COMMENT-C", "8.75"]
CRITERION_COMMENTS_ON_Y = ["OTTER-CRITERION-B", "OTTER-CRITERION-C"]


@dataclass
class Jury:
    edition: object
    a: JuryMember
    b: JuryMember
    c: JuryMember
    x: Entry
    y: Entry
    a_on_y: Assignment
    secretariat: object


def in_review(edition, organisation, title, summary, answer, file_text) -> Entry:
    entry = complete_entry(EntryFactory(edition=edition, organisation=organisation, title=title))
    entry.summary = summary
    entry.save()
    Answer.objects.filter(entry=entry).update(text=answer)
    Attachment.objects.create(
        entry=entry,
        file=ContentFile(file_text.encode(), name="evidence.txt"),
        original_name=f"{file_text}-ATTACHMENT-NAME.txt",
        content_type="text/plain",
        size=len(file_text),
        sha256="0" * 64,
    )
    Entry.objects.filter(pk=entry.pk).update(state="in_review")
    entry.refresh_from_db()
    return entry


def evaluate(member, entry, value, comment, criterion_comment="", *, submit=True) -> Assignment:
    assignment = Assignment.objects.get_or_create(member=member, entry=entry)[0]
    criteria = list(member.edition.criteria.all())
    scoring.save_scores(
        assignment=assignment,
        by=member.user,
        scores={c.pk: Decimal(value) for c in criteria},
        comments={c.pk: criterion_comment for c in criteria},
        overall_comment=comment,
    )
    if submit:
        scoring.submit_evaluation(assignment=assignment, by=member.user)
    return assignment


@pytest.fixture
def jury() -> Jury:
    """Jurors A, B and C on entries X and Y. A started scoring X, then a conflict with X was
    recorded; B and C submitted both; A's evaluation of Y is a draft."""
    edition = scoring_edition()
    QuestionFactory(edition=edition)
    secretariat = SecretariatFactory()
    a, b, c = (
        JuryMemberFactory(edition=edition, user__full_name=f"Juror {name}")
        for name in ("Alpha", "Bravo", "Charlie")
    )
    x = in_review(
        edition,
        MembershipFactory().organisation,
        "ZEBRA-SECRET-TITLE",
        "ZEBRA-SECRET-SUMMARY",
        "ZEBRA-SECRET-ANSWER",
        "ZEBRA-SECRET-FILE",
    )
    y = in_review(
        edition,
        MembershipFactory().organisation,
        "Yak harbour",
        "A harbour for yaks.",
        "Yaks everywhere.",
        "YAK-FILE",
    )
    evaluate(a, x, "5", "ZEBRA-A-DRAFT", submit=False)
    services.add_conflict(member=a, entry=x, by=secretariat, reason="Alpha advised them")
    evaluate(b, x, "4.75", "ZEBRA-COMMENT-B", "ZEBRA-CRITERION-B")
    evaluate(c, x, "1.25", "ZEBRA-COMMENT-C")
    evaluate(b, y, "3.25", "OTTER-COMMENT-B", "OTTER-CRITERION-B")
    evaluate(c, y, "8.75", "OTTER-COMMENT-C", "OTTER-CRITERION-C")
    a_on_y = evaluate(a, y, "5.5", "Alpha's own words", submit=False)
    # Mail about the jury in the outbox, with entry titles in it.
    services.tell_jurors_their_assignments(edition=edition, by=SecretariatFactory())
    return Jury(edition, a, b, c, x, y, a_on_y, secretariat)


def content(response) -> bytes:
    if response.streaming:
        # The test client closes the file once it is read.
        return b"".join(response.streaming_content)
    return response.content


def every_url(jury: Jury) -> tuple[list[str], list[tuple[str, dict]]]:
    """Every GET and POST a juror could try: their own pages, and every id of the database
    guessed into every URL that takes one."""
    slug = jury.edition.slug
    assignment_ids = [*Assignment.objects.values_list("pk", flat=True), 999999]
    evaluation_ids = [*Evaluation.objects.values_list("pk", flat=True), 999999]
    conflict_ids = [*ConflictOfInterest.objects.values_list("pk", flat=True), 999999]
    member_ids = [*JuryMember.objects.values_list("pk", flat=True), 999999]
    entry_ids = [*Entry.objects.values_list("pk", flat=True), 999999]
    attachment_ids = [*Attachment.objects.values_list("pk", flat=True), 999999]
    organisation_ids = [*Entry.objects.values_list("organisation_id", flat=True), 999999]
    gets = [
        reverse("home"),
        reverse("dashboard"),
        reverse("jury:home"),
        reverse("accounts:profile"),
        reverse("awards:screening_queue"),
        f"{reverse('awards:screening_queue')}?edition={slug}&state=all",
        reverse("awards:edition_list"),
        reverse("awards:edition_update", args=[slug]),
        reverse("notifications:outbox"),
        f"{reverse('notifications:outbox')}?kind=jury.assigned",
        reverse("notifications:outbox_preview", args=[Kind.JURY_ASSIGNED]),
        reverse("admin:index"),
        reverse("admin:jury_jurymember_changelist"),
        *(reverse("awards:organisation_detail", args=[pk]) for pk in organisation_ids),
        *(
            reverse(f"jury:{name}", args=[slug])
            for name in ("members", "rubric", "conflicts", "assignments", "progress")
        ),
        *(reverse("jury:evaluation", args=[slug, pk]) for pk in evaluation_ids),
    ]
    for pk in assignment_ids:
        gets += [
            reverse("jury:score", args=[pk]),
            reverse("jury:declare_conflict", args=[pk]),
            *(reverse("jury:attachment", args=[pk, a]) for a in attachment_ids),
        ]
    for pk in entry_ids:
        gets += [
            reverse("awards:entry_detail", args=[pk]),
            reverse("awards:entry_pdf", args=[pk]),
            reverse("awards:entry_review", args=[pk]),
            reverse("awards:entry_edit", args=[pk, "answers"]),
            reverse("awards:entry_edit", args=[pk, "attachments"]),
            reverse("awards:screening_entry", args=[pk]),
            reverse("awards:entry_transition", args=[pk, "withdraw"]),
            *(reverse("awards:attachment_download", args=[pk, a]) for a in attachment_ids),
        ]
    sheet = {f"score_{c.pk}": "5.5" for c in jury.edition.criteria.all()}
    posts = [
        (reverse("jury:assignments", args=[slug]), {"action": "tell"}),
        *(
            (reverse("jury:evaluation", args=[slug, pk]), {"reason": "Mine"})
            for pk in evaluation_ids
        ),
        *(
            (reverse("jury:lift_conflict", args=[slug, pk]), {"reason": "Mine"})
            for pk in conflict_ids
        ),
        *((reverse("jury:remind", args=[slug, pk]), {}) for pk in member_ids),
    ]
    for pk in entry_ids:
        posts += [
            (reverse("awards:entry_autosave", args=[pk, "basics"]), {"title": "Mine"}),
            (reverse("awards:partners_ask", args=[pk]), {}),
            *((reverse("awards:attachment_remove", args=[pk, a]), {}) for a in attachment_ids),
        ]
    for pk in assignment_ids:
        posts.append((reverse("jury:score_autosave", args=[pk]), sheet))
        posts.append((reverse("jury:score", args=[pk]), {**sheet, "action": "save"}))
        if pk != jury.a_on_y.pk:
            posts.append((reverse("jury:declare_conflict", args=[pk]), {"note": "Let me in"}))
    return gets, posts


def visit_everything(client, jury: Jury) -> dict[str, bytes]:
    """Every page the signed-in juror reaches, by URL; never a server error."""
    gets, posts = every_url(jury)
    pages = {}
    for url in gets:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403, 404, 405), (url, response.status_code)
        pages[f"GET {url}"] = content(response)
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 403, 404, 405), (url, response.status_code)
        pages[f"POST {url}"] = content(response)
    return pages


def assert_nowhere(pages: dict[str, bytes], secrets: list[str]) -> None:
    leaks = [
        (url, secret)
        for url, body in pages.items()
        for secret in secrets
        if secret.encode() in body
    ]
    assert not leaks


def score_page(client, assignment) -> str:
    response = client.get(reverse("jury:score", args=[assignment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_fixture_holds_the_secrets(client, jury):
    """The check is only worth something if the secretariat does see what the juror must not."""
    client.force_login(jury.secretariat)
    x_page = client.get(reverse("awards:entry_detail", args=[jury.x.pk])).content.decode()
    assert "ZEBRA-SECRET-TITLE" in x_page
    assert "ZEBRA-SECRET-ANSWER" in x_page
    x_file = reverse("awards:attachment_download", args=[jury.x.pk, jury.x.attachments.get().pk])
    assert content(client.get(x_file)) == b"ZEBRA-SECRET-FILE"
    evaluation = Evaluation.objects.get(assignment__member=jury.b, assignment__entry=jury.y)
    evaluation_page = client.get(
        reverse("jury:evaluation", args=[jury.edition.slug, evaluation.pk])
    ).content.decode()
    assert "OTTER-COMMENT-B" in evaluation_page
    assert "3.25" in evaluation_page
    client.force_login(jury.b.user)
    b_on_y = Assignment.objects.get(member=jury.b, entry=jury.y)
    assert "OTTER-COMMENT-C" in score_page(client, b_on_y)
    assert Assignment.objects.filter(member=jury.a, entry=jury.x).exists()


def test_juror_sees_nothing_of_a_conflicted_entry_nor_others_scores_before_submitting(client, jury):
    client.force_login(jury.a.user)

    pages = visit_everything(client, jury)

    assert_nowhere(pages, X_SECRETS + B_ON_Y + C_ON_Y + CRITERION_COMMENTS_ON_Y)
    # The juror's own work is there, so the pages above were the real ones.
    assert "Yak harbour" in pages[f"GET {reverse('jury:home')}"].decode()
    y_page = pages[f"GET {reverse('jury:score', args=[jury.a_on_y.pk])}"].decode()
    assert "Yaks everywhere." in y_page
    assert "Alpha&#x27;s own words" in y_page
    attachment = jury.y.attachments.get()
    y_file = reverse("jury:attachment", args=[jury.a_on_y.pk, attachment.pk])
    assert pages[f"GET {y_file}"] == b"YAK-FILE"
    # Jurors read documents through their own pages, not the applicants'.
    applicants_y_file = reverse("awards:attachment_download", args=[jury.y.pk, attachment.pk])
    assert client.get(applicants_y_file).status_code == 404
    # Everything of X, and everyone else's work, answers "not found".
    for assignment in Assignment.objects.exclude(pk=jury.a_on_y.pk):
        assert client.get(reverse("jury:score", args=[assignment.pk])).status_code == 404
    x_attachment = jury.x.attachments.get().pk
    x_file = reverse("awards:attachment_download", args=[jury.x.pk, x_attachment])
    assert client.get(x_file).status_code == 404
    for assignment in Assignment.objects.filter(member=jury.a):
        x_file = reverse("jury:attachment", args=[assignment.pk, x_attachment])
        assert client.get(x_file).status_code == 404
    # Nothing was changed by the juror's attempts.
    assert not ConflictOfInterest.objects.filter(lifted_at__isnull=False).exists()
    assert ConflictOfInterest.objects.count() == 1
    assert Evaluation.objects.filter(status="submitted").count() == 4
    assert Attachment.objects.count() == 2
    assert sorted(Entry.objects.values_list("title", "state")) == [
        ("Yak harbour", "in_review"),
        ("ZEBRA-SECRET-TITLE", "in_review"),
    ]


def test_after_submitting_the_juror_sees_the_others_on_that_entry_only(client, jury):
    client.force_login(jury.a.user)
    url = reverse("jury:score", args=[jury.a_on_y.pk])
    sheet = {f"score_{c.pk}": "5.5" for c in jury.edition.criteria.all()}
    assert client.post(url, {**sheet, "action": "submit"}).status_code == 302
    assert Evaluation.objects.get(assignment=jury.a_on_y).status == "submitted"

    y_page = score_page(client, jury.a_on_y)
    for secret in B_ON_Y + C_ON_Y:
        assert secret in y_page
    assert "Juror Bravo" in y_page
    assert "Juror Charlie" in y_page

    pages = visit_everything(client, jury)
    assert_nowhere(pages, X_SECRETS)
    others = [url for url, body in pages.items() if b"OTTER-COMMENT-B" in body]
    assert set(others) <= {f"GET {url}", f"POST {url}"}


def test_hidden_scores_stay_hidden_until_the_deadline(client, jury):
    JurySettings.objects.update_or_create(
        edition=jury.edition, defaults={"hide_scores_until_closed": True}
    )
    client.force_login(jury.a.user)
    sheet = {f"score_{c.pk}": "5.5" for c in jury.edition.criteria.all()}
    client.post(reverse("jury:score", args=[jury.a_on_y.pk]), {**sheet, "action": "submit"})
    assert Evaluation.objects.get(assignment=jury.a_on_y).status == "submitted"

    assert_nowhere(visit_everything(client, jury), X_SECRETS + B_ON_Y + C_ON_Y)

    with time_machine.travel(jury.edition.scoring_deadline, tick=False):
        client.force_login(jury.a.user)
        assert_nowhere({"at the deadline": score_page(client, jury.a_on_y).encode()}, B_ON_Y)

    after = jury.edition.scoring_deadline + datetime.timedelta(seconds=1)
    with time_machine.travel(after, tick=False):
        client.force_login(jury.a.user)
        y_page = score_page(client, jury.a_on_y)
        for secret in B_ON_Y + C_ON_Y:
            assert secret in y_page
        assert_nowhere(visit_everything(client, jury), X_SECRETS)


def test_hidden_scores_show_after_the_deadline_only_to_those_who_submitted(client, jury):
    JurySettings.objects.update_or_create(
        edition=jury.edition, defaults={"hide_scores_until_closed": True}
    )

    with time_machine.travel(jury.edition.scoring_deadline + datetime.timedelta(days=1)):
        client.force_login(jury.a.user)
        pages = visit_everything(client, jury)

    assert_nowhere(pages, X_SECRETS + B_ON_Y + C_ON_Y + CRITERION_COMMENTS_ON_Y)


def test_evaluation_of_a_conflicted_juror_left_out_of_the_others(client, jury):
    """C submitted Y, then a conflict of C with Y was recorded: B no longer sees C's scores; once
    the conflict is lifted they count again. A lifted conflict of B's own hides nothing."""
    conflict = services.add_conflict(
        member=jury.c, entry=jury.y, by=jury.secretariat, reason="Charlie joined them"
    )
    lifted = services.add_conflict(
        member=jury.b, entry=jury.y, by=jury.secretariat, reason="A mistake"
    )
    services.lift_conflict(conflict=lifted, by=jury.secretariat, reason="Recorded by mistake")
    b_on_y = Assignment.objects.get(member=jury.b, entry=jury.y)
    client.force_login(jury.b.user)

    b_page = score_page(client, b_on_y)

    assert_nowhere({"B's Y page": b_page.encode()}, C_ON_Y)
    assert "Juror Charlie" not in b_page
    assert "OTTER-COMMENT-B" in b_page  # B's own evaluation, in B's own form
    # Neither does A, once A has submitted.
    client.force_login(jury.a.user)
    sheet = {f"score_{c.pk}": "5.5" for c in jury.edition.criteria.all()}
    client.post(reverse("jury:score", args=[jury.a_on_y.pk]), {**sheet, "action": "submit"})
    a_page = score_page(client, jury.a_on_y)
    assert "OTTER-COMMENT-B" in a_page
    assert_nowhere({"A's Y page": a_page.encode()}, C_ON_Y)
    # And C, conflicted, reaches nothing of Y.
    client.force_login(jury.c.user)
    c_on_y = Assignment.objects.get(member=jury.c, entry=jury.y)
    assert client.get(reverse("jury:score", args=[c_on_y.pk])).status_code == 404
    assert "Yak harbour" not in client.get(reverse("jury:home")).content.decode()

    services.lift_conflict(conflict=conflict, by=jury.secretariat, reason="Charlie left them")

    client.force_login(jury.b.user)
    b_page = score_page(client, b_on_y)
    assert "OTTER-COMMENT-C" in b_page
    assert "8.75" in b_page
