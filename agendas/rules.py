"""Named permission predicates. Objects come from querysets scoped with `visible_to(user)`;
these answer the remaining yes/no questions."""

from cohorts.rules import can_manage_cohort


def is_visit_partner(user, visit) -> bool:
    return user.is_authenticated and user.pk in (visit.host.user_id, visit.guest.user_id)


def can_mark_held(user, visit) -> bool:
    return can_manage_cohort(user, visit.exchange.cohort)
