"""Named permission predicates. Views fetch objects through scoped querysets
(`Cohort.objects.visible_to(user)` / `managed_by(user)`); these answer yes/no questions."""

from django.contrib.auth.models import Group

COORDINATOR_GROUP = "Coördinatoren"


def coordinator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    return group


def can_create_cohorts(user) -> bool:
    """Admins, and members of the coordinator group, may start a cohort."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.groups.filter(name=COORDINATOR_GROUP).exists()


def is_cohort_coordinator(user, cohort) -> bool:
    if not user.is_authenticated:
        return False
    return cohort.coordinators.filter(pk=user.pk).exists()


def can_manage_cohort(user, cohort) -> bool:
    return user.is_authenticated and (user.is_staff or is_cohort_coordinator(user, cohort))


def can_confirm_organisations(user) -> bool:
    """Admins and members of the coordinator group confirm organisations that participants
    propose; the list is shared by all cohorts, so a one-off cohort coordinator may not."""
    return can_create_cohorts(user)


def can_manage_organisations(user) -> bool:
    """Whoever coordinates a cohort (or may start one) looks after the organisations of their
    own participants; what each may change is scoped by `Organisation.objects.changeable_by`."""
    if not user.is_authenticated:
        return False
    return can_create_cohorts(user) or user.coordinated_cohorts.exists()


def can_change_organisation(user, organisation) -> bool:
    """Rename or merge away: admins always, a coordinator only an organisation that nothing
    outside their own cohorts refers to."""
    from .models import Organisation

    return Organisation.objects.changeable_by(user).filter(pk=organisation.pk).exists()


def needs_two_factor(user) -> bool:
    """Admins and coordinators see personal data of many people: two-factor is required."""
    return user.is_authenticated and (
        user.is_staff or can_create_cohorts(user) or user.coordinated_cohorts.exists()
    )
