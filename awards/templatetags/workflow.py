"""Templates ask the state machine which steps a person may take, instead of comparing states.

{% load workflow %}
{% steps entry user "submit" "resubmit" as steps %}
{% if "submit" in steps %}...{% endif %}
"""

from django import template

from ..services.transitions import steps_for

register = template.Library()


@register.simple_tag
def steps(instance, user, *names: str) -> list[str]:
    """Those of `names` (all, when none is named) that `user` may take from where `instance`
    is now; a condition that fails (a deadline passed) says why when the step is tried."""
    return steps_for(instance, user, names=names or None)
