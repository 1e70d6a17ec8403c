"""Sample contexts, one per kind, for the secretariat's preview of every message."""

import datetime

from django.utils import timezone

from .kinds import Kind


def sample_context(kind: Kind) -> dict:
    deadline = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    recipient = {"full_name": "Ana Pérez", "short_name": "Ana", "email": "ana@example.org"}
    organisation = {"pk": 1, "name": "Ayuntamiento de Sevilla"}
    entry = {
        "pk": 1,
        "reference": "PA2026-0007",
        "title": "Sevilla and Tétouan: rural tourism that stays local",
        "state": "eligible",
        "submitted_at": timezone.now().replace(microsecond=0),
        "organisation": organisation,
        "edition": {
            "title": "PLATFORMAwards 2026",
            "timezone": "Europe/Brussels",
            "submission_deadline": deadline,
            "clarification_deadline": deadline + datetime.timedelta(days=14),
        },
    }
    partner = {"name": "Province of Tétouan", "contact_name": "Youssef El Amrani"}
    common = {"recipient": recipient, "entry": entry, "organisation": organisation}
    specific = {
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
        Kind.ENTRY_WITHDRAWN: {"by": "Ana Pérez", "note": "The project was postponed."},
        Kind.ENTRY_DELETED: {
            "by": "Ana Pérez",
            "entry": {
                "title": entry["title"],
                "reference": entry["reference"],
                "organisation": organisation["name"],
                "edition": "PLATFORMAwards 2026",
            },
        },
        Kind.REMINDER_JUROR: {
            "edition": {
                "title": "PLATFORMAwards 2026",
                "timezone": "Europe/Brussels",
                "scoring_deadline": deadline,
            },
            "left": 3,
            "total": 12,
        },
        Kind.JURY_ASSIGNED: {
            "edition": {
                "title": "PLATFORMAwards 2026",
                "timezone": "Europe/Brussels",
                "scoring_opens": deadline - datetime.timedelta(days=21),
                "scoring_deadline": deadline,
            },
            "entries": [
                {"reference": "PA2026-0007", "title": entry["title"]},
                {"reference": "PA2026-0012", "title": "Lyon and Bobo-Dioulasso: water for all"},
            ],
        },
        Kind.JURY_EVALUATION_REOPENED: {
            "edition": {
                "title": "PLATFORMAwards 2026",
                "timezone": "Europe/Brussels",
                "scoring_deadline": deadline,
            },
            "entry": {"reference": "PA2026-0007", "title": entry["title"]},
            "reason": "The score for local democracy has no comment; please add one.",
            "assignment_id": 1,
        },
        Kind.JURY_MORE_TIME: {
            "edition": {"title": "PLATFORMAwards 2026", "timezone": "Europe/Brussels"},
            "until": deadline + datetime.timedelta(days=3),
            "entry": {"reference": "PA2026-0007", "title": entry["title"]},
            "reason": "Asked for two more days after a mission abroad.",
            "assignment_id": 1,
        },
        Kind.JURY_INVITATION: {
            "edition": {"title": "PLATFORMAwards 2026", "scoring_opens": deadline},
            "is_chair": False,
            "token": "sample-token",
        },
        Kind.SECRETARIAT_DIGEST: {
            "edition": {"title": "PLATFORMAwards 2026", "phase": "Eligibility screening"},
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
