"""Sample contexts, one per kind, for the secretariat's preview of every message."""

import datetime
from typing import Any

from django.utils import timezone

from .kinds import Kind


def sample_context(kind: Kind) -> dict:
    # Whatever a message is about falls due in a week.
    deadline = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    recipient = {"full_name": "Ana Pérez", "short_name": "Ana", "email": "ana@example.org"}
    organisation = {"pk": 1, "name": "Ayuntamiento de Sevilla"}
    edition = {
        "title": "PLATFORMAwards 2026",
        "timezone": "Europe/Brussels",
        "phase": "Eligibility screening",
        "submission_deadline": deadline,
        "clarification_deadline": deadline + datetime.timedelta(days=14),
        "scoring_opens": deadline - datetime.timedelta(days=21),
        "scoring_deadline": deadline,
    }
    entry = {
        "pk": 1,
        "reference": "PA2026-0007",
        "title": "Sevilla and Tétouan: rural tourism that stays local",
        "state": "eligible",
        "submitted_at": timezone.now().replace(microsecond=0),
        "organisation": organisation,
        "edition": edition,
    }
    partner = {"name": "Province of Tétouan", "contact_name": "Youssef El Amrani"}
    common = {
        "recipient": recipient,
        "entry": entry,
        "organisation": organisation,
        "edition": edition,
    }
    specific: dict[Kind, dict[str, Any]] = {
        Kind.PASSWORD_RESET: {"uid": "MQ", "token": "sample-token"},
        Kind.VERIFY_EMAIL: {"token": "sample-token"},
        Kind.MEMBERSHIP_REQUESTED: {"applicant": recipient},
        Kind.MEMBERSHIP_DECIDED: {"approved": True},
        Kind.COLLEAGUE_INVITED: {"inviter": recipient, "token": "sample-token"},
        Kind.PARTNER_CONFIRMATION: {"partner": partner, "token": "sample-token"},
        Kind.REMINDER_PARTNER: {"partner": partner, "token": "sample-token"},
        Kind.EXTENSION_GRANTED: {"until": deadline + datetime.timedelta(days=3)},
        Kind.CLARIFICATION_REQUESTED: {"note": "Which partner chairs the steering committee?"},
        Kind.ELIGIBILITY_DECIDED: {"note": ""},
        Kind.RESULTS_PUBLISHED: {
            "edition_slug": "platformawards-2026",
            "prizes": [
                {"kind": "first", "name": "", "citation": "For tourism that stays in the villages."}
            ],
            "public": True,
        },
        Kind.ENTRY_WITHDRAWN: {"by": "Ana Pérez", "note": "The project was postponed."},
        Kind.ENTRY_DELETED: {
            "by": "Ana Pérez",
            "entry": {
                "title": entry["title"],
                "reference": entry["reference"],
                "organisation": organisation["name"],
                "edition": edition["title"],
            },
        },
        Kind.REMINDER_JUROR: {"left": 3, "total": 12, "round": 1},
        Kind.JURY_BALLOT_OPENED: {
            "edition": {**edition, "slug": "platformawards-2026"},
            "count": 5,
        },
        Kind.JURY_ASSIGNED: {
            "entries": [
                {"reference": entry["reference"], "title": entry["title"]},
                {"reference": "PA2026-0012", "title": "Lyon and Bobo-Dioulasso: water for all"},
            ],
        },
        Kind.JURY_EVALUATION_REOPENED: {
            "reason": "The score for local democracy has no comment; please add one.",
            "assignment_id": 1,
        },
        Kind.JURY_MORE_TIME: {
            "until": deadline + datetime.timedelta(days=3),
            "reason": "Asked for two more days after a mission abroad.",
            "assignment_id": 1,
        },
        Kind.JURY_INVITATION: {"is_chair": False, "token": "sample-token"},
        Kind.SECRETARIAT_DIGEST: {
            "counts": {
                "awaiting_screening": 4,
                "resubmitted": 1,
                "awaiting_clarification": 2,
                "unconfirmed_partners": 3,
                "drafts_due_soon": 5,
                "failed_messages": 0,
            },
        },
    }
    return {**common, **specific.get(kind, {})}
