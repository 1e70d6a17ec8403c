"""What bench/load.py counts in the database after the load: every score a juror's save was
acknowledged for is stored, none twice, every acknowledged submission submitted; every
applicant's acknowledged answers stored.

A save the run cut off (sent, never answered, when locust stopped) may have been written or
not: the stored values must then equal the last acknowledged save or one of those sent after
it, and are counted apart ("in doubt"), never as kept or lost.
"""

from decimal import Decimal

from django.db.models import Count


def scores_kept(plan: dict, assignments: dict) -> dict[str, int]:
    from jury.models import Criterion, CriterionScore, Evaluation

    criteria = set(
        Criterion.objects.filter(edition_id=plan["edition"]).values_list("pk", flat=True)
    )
    evaluations = {
        e.assignment_id: e
        for e in Evaluation.objects.filter(
            assignment__member__edition_id=plan["edition"]
        ).prefetch_related("scores")
    }
    counts = {"kept": 0, "in doubt": 0, "lost": 0, "submitted as acknowledged": 0}
    wrongly_submitted = 0
    for pk, record in assignments.items():
        evaluation = evaluations.get(int(pk))
        stored = _stored(evaluation) if evaluation else None
        sent = [record["acked"], *record["pending"]]
        if stored == _expected(record["acked"]):
            counts["kept"] += 1
        elif any(stored == _expected(values) for values in record["pending"]):
            counts["in doubt"] += 1
        else:
            counts["lost"] += 1
            print(f"  LOST: assignment {pk} of {record['juror']}: stored {stored}, sent {sent}")
        submitted = evaluation is not None and evaluation.status == "submitted"
        if record["submitted"] and submitted:
            counts["submitted as acknowledged"] += 1
        elif submitted != bool(record["submitted"]) and not (submitted and record["submitting"]):
            wrongly_submitted += 1
            print(f"  SUBMISSION: assignment {pk}: stored {submitted}, record {record}")
    doubled = (
        CriterionScore.objects.filter(evaluation__assignment__member__edition_id=plan["edition"])
        .values("evaluation", "criterion")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    saved = [a for a in assignments.values() if a["acked"]]
    incomplete = sum(
        1
        for pk, record in assignments.items()
        if record["acked"]
        and {s.criterion_id for s in evaluations[int(pk)].scores.all()} != criteria
    )
    return {
        "assignments opened by the jurors": len(assignments),
        "  with at least one acknowledged save": len(saved),
        "  stored = last acknowledged save": counts["kept"],
        "  in doubt (a save cut off by the stop)": counts["in doubt"],
        "  LOST (stored differs from every save sent)": counts["lost"],
        "submissions acknowledged": sum(a["submitted"] for a in assignments.values()),
        "  stored as submitted": counts["submitted as acknowledged"],
        "  submitted more than once (acknowledged)": sum(
            1 for a in assignments.values() if a["submitted"] > 1
        ),
        "  submission stored but never sent, or sent and not stored": wrongly_submitted,
        "(evaluation, criterion) pairs with more than one score row": doubled,
        "saved evaluations without one row per criterion": incomplete,
    }


def answers_kept(entries: dict) -> dict[str, int]:
    from awards.models import Answer

    kept = doubt = lost = 0
    for pk, record in entries.items():
        stored = {
            str(question): text
            for question, text in Answer.objects.filter(entry_id=pk).values_list(
                "question_id", "text"
            )
        }
        if (record["acked"] is None and not stored) or stored == record["acked"]:
            kept += 1
        elif stored in record["pending"]:
            doubt += 1
        else:
            lost += 1
            print(f"  LOST: entry {pk}: stored {stored}, record {record}")
    return {
        "applicants' drafts autosaved": len(entries),
        "  stored = last acknowledged answers": kept,
        "  in doubt (a save cut off by the stop)": doubt,
        "  LOST": lost,
    }


def _stored(evaluation) -> dict:
    return {
        "scores": {
            str(s.criterion_id): "na" if s.not_applicable else s.value
            for s in evaluation.scores.all()
        },
        "comments": {str(s.criterion_id): s.comment for s in evaluation.scores.all()},
        "overall": evaluation.comment,
    }


def _expected(values: dict | None) -> dict | None:
    """What the database holds after the save of `values` (None: no save was acknowledged, and
    the page's first opening left an empty draft)."""
    if values is None:
        return {"scores": {}, "comments": {}, "overall": ""}
    return {
        "scores": {
            pk: "na" if mark == "na" else Decimal(mark) for pk, mark in values["scores"].items()
        },
        "comments": {pk: text.strip() for pk, text in values["comments"].items()},
        "overall": values["overall"].strip(),
    }
