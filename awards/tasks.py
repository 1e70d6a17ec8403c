from celery import shared_task

from .services.phases import advance_editions


@shared_task(name="awards.advance_editions")
def advance_editions_task() -> int:
    """Open and close calls at the dates of their editions' timelines."""
    return len(advance_editions())
