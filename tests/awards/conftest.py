import pytest

from tests.factories import applicant_with_entry


@pytest.fixture
def applicant_entry():
    """(applicant, draft entry of their organisation with one question)."""
    return applicant_with_entry()


def formset_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data
