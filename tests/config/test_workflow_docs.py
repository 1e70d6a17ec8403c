"""docs/workflow.md matches the state machines it documents."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from awards.workflow import EditionPhase, EntryState

PAGE = Path(settings.BASE_DIR) / "docs" / "workflow.md"
MARKER = "<!-- generated: graph_transitions {model} -->"
MODELS = ["awards.Entry", "awards.Edition"]


def generated_block(text: str, model: str) -> str:
    """The ```dot block right after the model's marker line."""
    lines = text.splitlines()
    start = lines.index(MARKER.format(model=model))
    assert lines[start + 1] == "```dot", f"the marker for {model} must be followed by ```dot"
    end = lines.index("```", start + 2)
    return "\n".join(lines[start + 2 : end])


def prose(text: str) -> str:
    """The page after its last generated block."""
    last = max(text.index(MARKER.format(model=model)) for model in MODELS)
    return text[text.index("\n```\n", last) :]


def normalised(dot: str) -> list[str]:
    # graph_transitions builds its nodes and edges from sets, so their order changes with the
    # process's hash seed: the lines are compared as a sorted list, each exactly.
    return sorted(line.rstrip() for line in dot.strip("\n").splitlines())


@pytest.mark.parametrize("model", MODELS)
def test_committed_diagram_matches_graph_transitions(model):
    output = io.StringIO()

    call_command("graph_transitions", model, stdout=output)

    assert normalised(generated_block(PAGE.read_text(), model)) == normalised(output.getvalue()), (
        f"docs/workflow.md is out of date for {model}: run "
        f"`PYTHONHASHSEED=0 python manage.py graph_transitions {model}` and paste its output "
        f"into the ```dot block under `{MARKER.format(model=model)}`."
    )


@pytest.mark.parametrize(
    "label",
    [*EntryState.labels, *EditionPhase.labels],
    ids=[*(f"entry-{s}" for s in EntryState), *(f"edition-{p}" for p in EditionPhase)],
)
def test_every_state_and_phase_described(label):
    text = prose(PAGE.read_text())
    headings = set(re.findall(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.MULTILINE))
    bold = set(re.findall(r"\*\*(.+?)\*\*", text, flags=re.DOTALL))

    with translation.override("en"):
        label = str(label)

    assert label in headings | {" ".join(term.split()) for term in bold}, (
        f"docs/workflow.md has no heading or bold term “{label}” after its diagrams"
    )
