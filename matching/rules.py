"""Named permission predicates of the matching domain. Views still fetch every object through
a scoped queryset, so outsiders get a 404."""

from cohorts.rules import can_manage_cohort


def can_run_matching(user, cohort) -> bool:
    """Run, adjust and publish the matching: the cohort's coordinators and admins."""
    return can_manage_cohort(user, cohort)


def can_see_exchange(user, exchange) -> bool:
    if can_manage_cohort(user, exchange.cohort):
        return True
    return exchange.members.filter(participant__user=user).exists()
