"""Pages offer a person only the steps the state machine lets them take."""

import pytest
from django.urls import reverse

from awards.models import Entry
from awards.services.transitions import steps_for
from tests.factories import SecretariatFactory, applicant_with_entry, complete_entry

pytestmark = pytest.mark.django_db

EDIT = "Continue editing"
SUBMIT = "Submit the entry"
WITHDRAW = "Withdraw the entry"
CONFIRM_WITHDRAWAL = "Yes, withdraw the entry"


def page(client, name, entry, *args) -> str:
    response = client.get(reverse(name, args=[entry.pk, *args]), follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def draft():
    user, entry = applicant_with_entry()
    return user, complete_entry(entry)


def test_the_applicant_is_offered_to_edit_submit_and_withdraw_a_draft(client, draft):
    user, entry = draft
    client.force_login(user)

    detail = page(client, "awards:entry_detail", entry)
    review = page(client, "awards:entry_review", entry)
    confirm = page(client, "awards:entry_transition", entry, "withdraw")

    assert (EDIT in detail, WITHDRAW in detail, SUBMIT in review) == (True, True, True)
    assert CONFIRM_WITHDRAWAL in confirm


def test_the_secretariat_is_not_offered_the_applicants_steps(client, draft):
    _user, entry = draft
    client.force_login(SecretariatFactory())

    detail = page(client, "awards:entry_detail", entry)
    review = page(client, "awards:entry_review", entry)
    confirm = page(client, "awards:entry_transition", entry, "withdraw")

    assert (EDIT in detail, WITHDRAW in detail, SUBMIT in review) == (False, False, False)
    assert CONFIRM_WITHDRAWAL not in confirm
    assert "You are not allowed to take this step." in confirm
    assert Entry.objects.get(pk=entry.pk).state == "draft"


def test_a_submitted_entry_offers_its_applicant_only_to_withdraw(client, draft):
    user, entry = draft
    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    client.force_login(user)

    detail = page(client, "awards:entry_detail", entry)
    review = page(client, "awards:entry_review", entry)

    assert (EDIT in detail, WITHDRAW in detail, SUBMIT in review) == (False, True, False)


@pytest.mark.parametrize(
    ("state", "buttons"),
    [
        ("submitted", ["Eligible", "Ask for clarification", "Not eligible"]),
        ("clarification_requested", ["Not eligible"]),
        ("eligible", []),
    ],
)
def test_the_screening_page_offers_the_decisions_the_state_allows(client, draft, state, buttons):
    _user, entry = draft
    Entry.objects.filter(pk=entry.pk).update(state=state)
    client.force_login(SecretariatFactory())

    html = page(client, "awards:screening_entry", entry)

    values = {
        "Eligible": "eligible",
        "Ask for clarification": "clarify",
        "Not eligible": "ineligible",
    }
    offered = [
        label for label, value in values.items() if f'name="decision" value="{value}"' in html
    ]
    assert offered == buttons


def test_steps_for_asks_permission_and_state_in_the_workflows_order(draft):
    user, entry = draft
    secretariat = SecretariatFactory()

    assert steps_for(entry, user) == ["submit", "withdraw"]
    assert steps_for(entry, secretariat) == []
    Entry.objects.filter(pk=entry.pk).update(state="submitted")
    entry.refresh_from_db()
    assert steps_for(entry, secretariat) == [
        "request_clarification",
        "mark_eligible",
        "mark_ineligible",
    ]
    assert steps_for(entry, user, names=["submit", "withdraw"]) == ["withdraw"]
