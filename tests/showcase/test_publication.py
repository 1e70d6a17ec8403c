"""Publication: scheduled or at once, exactly once, and nothing of the results seen or sent
before the moment — everything after it."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from awards.models import Certificate, Edition, EditionPhaseChange, Entry
from awards.services import publication
from awards.services.transitions import TransitionRefused
from notifications.models import Notification
from tests.factories import SecretariatFactory, UserFactory
from tests.factories.publication import DAY, Decided

pytestmark = pytest.mark.django_db

SECRETS = [
    "Lviv and Lyon: water for every district",
    "Sevilla and Tétouan: rural tourism",
    "Gdańsk and Tbilisi: schools for all",
    "Prize for EU-Ukraine partnerships",
    "Water reached 40,000 homes.",
]


def public_urls(decided: Decided) -> list[str]:
    edition = decided.edition
    return [
        reverse("home"),
        reverse("showcase:results_index"),
        reverse("showcase:results", args=[edition.slug]),
        reverse("showcase:gallery"),
        reverse("showcase:gallery") + "?q=water",
        reverse("showcase:gallery") + f"?edition={edition.slug}&prize=any",
        reverse("showcase:entry", args=[decided.winner.reference]),
        reverse("showcase:entry", args=[decided.shown.reference]),
        reverse("showcase:feed"),
        reverse("showcase:sitemap"),
        reverse("showcase:robots"),
        reverse("awards:call_detail", args=[edition.slug]),
    ]


def seen(client, decided: Decided) -> dict[str, str]:
    """Everything an anonymous visitor reads on every public URL, by URL."""
    pages = {}
    for url in public_urls(decided):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        pages[url] = response.content.decode()
    return pages


def results_mails() -> int:
    return Notification.objects.filter(kind="entry.results").count()


def test_scheduled_results_are_nowhere_before_the_moment_and_everywhere_after(
    client, django_capture_on_commit_callbacks
):
    decided = Decided(announce_in=2 * DAY)
    moment = timezone.now() + 2 * DAY
    publication.schedule_publication(edition=decided.edition, by=SecretariatFactory(), at=moment)

    with time_machine.travel(moment - datetime.timedelta(seconds=5), tick=False):
        assert publication.publish_due() == []
        pages = seen(client, decided)
    before = "\n".join(pages.values())
    for secret in SECRETS:
        assert secret not in before
    # An entry's reference is on no page, but in the address of its own (which its page
    # repeats, as every page does, for the language switcher to come back to).
    for url, page in pages.items():
        for entry in (decided.winner, decided.finalist, decided.shown):
            assert url.endswith(f"/{entry.reference}/") or entry.reference not in page
    assert results_mails() == 0 and not Certificate.objects.exists()

    with time_machine.travel(moment + datetime.timedelta(seconds=20), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert [e.pk for e in publication.publish_due()] == [decided.edition.pk]
        after = "\n".join(seen(client, decided).values())
    for secret in SECRETS:
        assert secret in after
    assert decided.hidden.title not in after and decided.ineligible.title not in after
    assert results_mails() > 0 and Certificate.objects.filter(edition=decided.edition).exists()


def test_the_scheduler_publishes_once_however_often_it_runs(django_capture_on_commit_callbacks):
    decided = Decided(announce_in=DAY)
    moment = timezone.now() + DAY
    publication.schedule_publication(edition=decided.edition, by=SecretariatFactory(), at=moment)

    with time_machine.travel(moment + datetime.timedelta(seconds=1), tick=False):
        first = publication.publish_due()
        mails = results_mails()
        second = publication.publish_due()

    assert len(first) == 1 and second == []
    assert EditionPhaseChange.objects.filter(transition="publish_results").count() == 1
    assert results_mails() == mails


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_publish_once(postgresql, rows_made_by_migrations):
    decided = Decided(announce_in=DAY)
    moment = timezone.now() + DAY
    publication.schedule_publication(edition=decided.edition, by=SecretariatFactory(), at=moment)
    start = threading.Barrier(2)
    published: list[int] = []

    def worker():
        try:
            start.wait()
            published.extend(e.pk for e in publication.publish_due(now=moment))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert published == [decided.edition.pk]
    assert EditionPhaseChange.objects.filter(transition="publish_results").count() == 1
    mails = Notification.objects.filter(kind="entry.results")
    assert mails.count() == mails.values("key").distinct().count() > 0


def test_an_unlocked_decision_is_not_published_at_its_moment():
    decided = Decided(announce_in=DAY)
    moment = timezone.now() + DAY
    publication.schedule_publication(edition=decided.edition, by=SecretariatFactory(), at=moment)
    Edition.objects.filter(pk=decided.edition.pk).update(results_locked_at=None)

    assert publication.publish_due(now=moment + DAY) == []
    decided.edition.refresh_from_db()
    assert decided.edition.phase == "deliberation"


def test_publication_makes_public_the_outcomes_and_the_consenting_entries_only():
    decided = Decided(announce_in=-DAY)

    publication.publish_now(edition=decided.edition, by=SecretariatFactory())

    public = set(Entry.objects.filter(published_at__isnull=False).values_list("pk", flat=True))
    assert public == {decided.winner.pk, decided.finalist.pk, decided.shown.pk}
    winner = Entry.objects.get(pk=decided.winner.pk)
    assert "Львівська міська рада" in winner.search_names
    assert "Declined town" not in winner.search_names


def test_publishing_now_before_the_announced_time_makes_now_the_moment():
    decided = Decided(announce_in=5 * DAY)
    now = timezone.now()

    edition = publication.publish_now(edition=decided.edition, by=SecretariatFactory(), now=now)

    assert edition.phase == "published" and edition.announcement_at == now
    assert Entry.objects.get(pk=decided.winner.pk).published_at == now


def test_every_applicant_and_confirmed_partner_hears_the_result_in_their_language():
    decided = Decided(announce_in=-DAY)

    publication.publish_now(edition=decided.edition, by=SecretariatFactory())

    mails = Notification.objects.filter(kind="entry.results")
    winner_partners = mails.filter(key__startswith=f"results:{decided.winner.pk}:partner:")
    assert winner_partners.count() == 2  # the declined partner is not told
    assert set(winner_partners.values_list("language", flat=True)) == {"fr"}
    assert mails.filter(key__startswith=f"results:{decided.ineligible.pk}").count() == 0
    assert mails.filter(key__startswith=f"results:{decided.hidden.pk}:").exists()
    from notifications.rendering import render

    winner_mail = winner_partners.first()
    subject, text, _html = render(winner_mail.kind, winner_mail.context, "en")
    assert "among the winners" in subject
    assert "1st prize" in text and "Special prize: Prize for EU-Ukraine partnerships" in text
    assert reverse("showcase:entry", args=[decided.winner.reference]) in text


@pytest.mark.parametrize(
    "at, message",
    [
        (-DAY, "must be in the future"),
        (-20 * DAY, "must be in the future"),
    ],
)
def test_a_schedule_in_the_past_is_refused(at, message):
    decided = Decided()
    with pytest.raises(publication.PublicationRefused, match=message):
        publication.schedule_publication(
            edition=decided.edition, by=SecretariatFactory(), at=timezone.now() + at
        )


def test_only_the_secretariat_schedules_or_publishes():
    decided = Decided(announce_in=-DAY)
    with pytest.raises(publication.PublicationRefused):
        publication.schedule_publication(
            edition=decided.edition, by=UserFactory(), at=timezone.now() + DAY
        )
    with pytest.raises(publication.PublicationRefused):
        publication.publish_now(edition=decided.edition, by=UserFactory())
    decided.edition.refresh_from_db()
    assert decided.edition.phase == "deliberation"


def test_published_results_are_not_published_again_or_rescheduled():
    decided = Decided(announce_in=-DAY)
    secretariat = SecretariatFactory()
    publication.publish_now(edition=decided.edition, by=secretariat)

    with pytest.raises(TransitionRefused):
        publication.publish_now(edition=decided.edition, by=secretariat)
    with pytest.raises(publication.PublicationRefused):
        publication.schedule_publication(
            edition=decided.edition, by=secretariat, at=timezone.now() + DAY
        )


def test_the_secretariat_schedules_from_the_page_in_the_editions_zone(client):
    decided = Decided(announce_in=DAY)
    client.force_login(SecretariatFactory())
    url = reverse("awards:edition_publication", args=[decided.edition.slug])
    wall_clock = (timezone.now() + 3 * DAY).astimezone(decided.edition.tzinfo)

    response = client.post(url, {"action": "schedule", "at": wall_clock.strftime("%Y-%m-%dT%H:%M")})

    decided.edition.refresh_from_db()
    assert response.status_code == 302
    assert decided.edition.publication_scheduled
    assert decided.edition.announcement_at == wall_clock.replace(second=0, microsecond=0)


def test_a_refused_schedule_keeps_what_was_typed_and_says_why(client):
    decided = Decided(announce_in=DAY)
    client.force_login(SecretariatFactory())
    url = reverse("awards:edition_publication", args=[decided.edition.slug])

    response = client.post(url, {"action": "schedule", "at": "2001-02-03T04:05"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "2001-02-03T04:05" in body and "must be in the future" in body
    decided.edition.refresh_from_db()
    assert not decided.edition.publication_scheduled


def test_publishing_from_the_page_needs_the_confirmation(client):
    decided = Decided(announce_in=-DAY)
    client.force_login(SecretariatFactory())
    url = reverse("awards:edition_publication", args=[decided.edition.slug])

    assert client.post(url, {"action": "publish"}).status_code == 200
    decided.edition.refresh_from_db()
    assert decided.edition.phase == "deliberation"

    assert client.post(url, {"action": "publish", "confirmed": "on"}).status_code == 302
    decided.edition.refresh_from_db()
    assert decided.edition.phase == "published"


def test_the_secretariat_corrects_a_published_entry_and_the_public_sees_it_at_once(client):
    decided = Decided(announce_in=-DAY)
    secretariat = SecretariatFactory()
    publication.publish_now(edition=decided.edition, by=secretariat)
    public = reverse("showcase:entry", args=[decided.winner.reference])
    assert decided.winner.title in client.get(public).content.decode()
    client.force_login(secretariat)
    url = reverse("awards:entry_public_text", args=[decided.winner.pk])

    response = client.post(
        url,
        {
            "title": "Lviv and Lyon: clean water for every district",
            "summary": decided.winner.summary,
            "reason": "The partners asked for the word clean.",
        },
    )

    client.logout()
    assert response.status_code == 302
    page = client.get(public).content.decode()
    assert "Lviv and Lyon: clean water for every district" in page
    correction = decided.winner.public_corrections.get()
    assert (correction.field, correction.before) == ("title", decided.winner.title)
    assert (
        correction.reason == "The partners asked for the word clean."
        and correction.by == secretariat
    )


def test_a_correction_without_a_reason_keeps_what_was_typed(client):
    decided = Decided(announce_in=-DAY)
    secretariat = SecretariatFactory()
    publication.publish_now(edition=decided.edition, by=secretariat)
    client.force_login(secretariat)

    response = client.post(
        reverse("awards:entry_public_text", args=[decided.winner.pk]),
        {"title": "A new <b>title</b>", "summary": decided.winner.summary, "reason": ""},
    )

    assert response.status_code == 200
    assert "A new &lt;b&gt;title&lt;/b&gt;" in response.content.decode()
    assert not decided.winner.public_corrections.exists()


def test_only_published_entries_are_corrected_and_only_by_the_secretariat(client):
    decided = Decided(announce_in=DAY)
    client.force_login(SecretariatFactory())
    url = reverse("awards:entry_public_text", args=[decided.winner.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    with pytest.raises(publication.PublicationRefused):
        publication.correct_public_text(
            entry=decided.winner, by=UserFactory(), reason="x", title="x", summary="x"
        )


@pytest.mark.parametrize("title", ["", "   ", "W" * 201])
def test_a_public_title_that_is_empty_or_too_long_is_refused_by_the_service(title):
    decided = Decided(announce_in=-DAY)
    secretariat = SecretariatFactory()
    publication.publish_now(edition=decided.edition, by=secretariat)

    with pytest.raises(publication.PublicationRefused, match="characters at most"):
        publication.correct_public_text(
            entry=decided.winner, by=secretariat, reason="x", title=title, summary="Summary."
        )
    assert not decided.winner.public_corrections.exists()


@pytest.mark.parametrize("extra", [0, 12])
def test_telling_the_results_takes_the_same_statements_for_more_entries(extra):
    """The prizes, the entries with their partners and approved members, the keys already
    queued, and the messages written: whatever the number of entries told."""
    from django.test.utils import CaptureQueriesContext

    from showcase.announcements import tell_results

    decided = Decided(announce_in=-DAY, extra_reviewed=extra)

    with CaptureQueriesContext(connection) as captured:
        told = tell_results(edition=decided.edition, now=timezone.now())

    assert told == 4 + extra
    assert len(captured.captured_queries) == 8
    assert results_mails() > 2 * told
