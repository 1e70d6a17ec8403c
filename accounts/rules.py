"""Who may do what with accounts. The secretariat role is membership of one group."""

import rules

from .models import SECRETARIAT_GROUP

is_secretariat = rules.is_superuser | rules.is_group_member(SECRETARIAT_GROUP)

rules.add_perm("accounts.view_secretariat_dashboard", is_secretariat)
rules.add_perm("notifications.view_outbox", is_secretariat)
