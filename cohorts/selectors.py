"""Reads of the cohort domain: what dashboards show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import CohortStage, InvitationStatus, ParticipantStatus
from .models import Cohort, Invitation, Organisation, Participant, preferences_referring_to
from .services import (
    STAGE_ORDER,
    OrganisationMerge,
    cohort_transition_problems,
    next_stage,
)


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""
    label: str = ""


@dataclass(frozen=True)
class StageStep:
    value: str
    label: str
    state: str  # "done", "current" or "todo"


def stage_steps(cohort: Cohort) -> list[StageStep]:
    current = STAGE_ORDER.index(cohort.stage)
    labels = dict(CohortStage.choices)
    return [
        StageStep(value, str(labels[value]),
                  "done" if i < current else "current" if i == current else "todo")
        for i, value in enumerate(STAGE_ORDER)
    ]


def cohorts_with_counts(queryset):
    """Cohorts with the figures a list shows, in one query."""
    active = Q(participants__status__in=ParticipantStatus.active())
    return queryset.annotate(
        participant_count=Count("participants", filter=active, distinct=True),
        open_invitation_count=Count(
            "invitations",
            filter=Q(invitations__status=InvitationStatus.PENDING,
                     invitations__expires_at__gt=timezone.now()),
            distinct=True,
        ),
    )


@dataclass(frozen=True)
class CohortFigures:
    invited: int
    open_invitations: int
    participants: int
    profiles_done: int


def cohort_figures(cohort: Cohort) -> CohortFigures:
    invitations = cohort.invitations.exclude(status=InvitationStatus.WITHDRAWN).aggregate(
        invited=Count("pk"),
        open=Count("pk", filter=Q(status=InvitationStatus.PENDING,
                                  expires_at__gt=timezone.now())),
    )
    participants = cohort.participants.active().aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(profile_completed_at__isnull=False)),
    )
    return CohortFigures(
        invited=invitations["invited"], open_invitations=invitations["open"],
        participants=participants["total"], profiles_done=participants["done"],
    )


def coordinator_next_step(cohort: Cohort) -> NextStep:
    """The one thing a coordinator should do now, in plain words."""
    upcoming = next_stage(cohort.stage)
    if cohort.stage == CohortStage.CONCEPT:
        problems = cohort_transition_problems(cohort=cohort, to_stage=CohortStage.AANMELDING)
        if problems:
            return NextStep(problems[0], reverse("cohorts:edit", args=[cohort.pk]),
                            _("Instellingen aanpassen"))
        return NextStep(_("Controleer de instellingen en open de aanmelding. Daarna kunt u "
                          "deelnemers uitnodigen."))
    if cohort.stage == CohortStage.MATCHING:
        return NextStep(_("Draai de matching, bekijk het voorstel en publiceer de koppelingen."),
                        reverse("matching:home", args=[cohort.pk]), _("Matching openen"))
    if cohort.stage in (CohortStage.PLANNING, CohortStage.STAGE):
        return NextStep(_("Volg op het planningsbord welke koppelingen hun stagedagen al "
                          "hebben gepland."), reverse("agendas:board", args=[cohort.pk]),
                        _("Planningsbord openen"))
    if cohort.stage == CohortStage.REFLECTIE:
        return NextStep(_("Lees de reflecties en herinner wie nog niets heeft ingevuld."),
                        reverse("reflections:overview", args=[cohort.pk]),
                        _("Reflecties openen"))
    if cohort.stage == CohortStage.AANMELDING:
        if not cohort.invitations.exists():
            return NextStep(_("Nodig deelnemers uit: plak e-mailadressen of upload een lijst."),
                            reverse("cohorts:invitations", args=[cohort.pk]),
                            _("Deelnemers uitnodigen"))
        return NextStep(_("Wacht tot de deelnemers zich hebben aangemeld en hun profiel hebben "
                          "ingevuld. Daarna gaat het cohort naar de matching."))
    if upcoming is None:
        return NextStep(_("Dit cohort is afgerond. U kunt het kopiëren voor een volgende ronde."))
    labels = dict(CohortStage.choices)
    return NextStep(_("Als deze fase klaar is, zet u het cohort door naar: %(stage)s.")
                    % {"stage": labels[upcoming]})


def participant_next_step(participant: Participant) -> NextStep:
    """The one thing a participant should do now, in plain words."""
    # Later stages live in apps that build on cohorts; import them here, not at module level.
    from matching.models import Preference
    from matching.selectors import exchange_for, preference_open

    cohort = participant.cohort
    if not participant.profile_complete:
        return NextStep(_("Vul uw profiel in, zodat we u aan een passende collega kunnen "
                          "koppelen."), reverse("cohorts:profile", args=[cohort.pk]),
                        _("Profiel invullen"))
    exchange = exchange_for(participant)
    if exchange is None:
        if cohort.stage in (CohortStage.CONCEPT, CohortStage.AANMELDING, CohortStage.MATCHING) \
                and preference_open(cohort) \
                and not Preference.objects.filter(participant=participant).exists():
            return NextStep(_("Geef uw voorkeuren op: bij wat voor organisatie wilt u graag "
                              "meelopen?"), reverse("matching:preferences", args=[cohort.pk]),
                            _("Voorkeuren opgeven"))
        if cohort.stage in (CohortStage.CONCEPT, CohortStage.AANMELDING, CohortStage.MATCHING):
            return NextStep(_("Uw profiel en voorkeuren zijn klaar. U krijgt een e-mail zodra "
                              "uw stagepartner bekend is."))
    if cohort.stage in (CohortStage.REFLECTIE, CohortStage.AFGEROND):
        return NextStep(_("Schrijf uw reflectie: wat heeft u geleerd?"),
                        reverse("reflections:overview", args=[cohort.pk]),
                        _("Naar mijn reflecties"))
    if exchange is not None:
        planning = reverse("agendas:planning", args=[exchange.pk])
        for visit in exchange.visits.all():
            mine, theirs = ((visit.agreed_by_host_at, visit.agreed_by_guest_at)
                            if visit.host_id == participant.pk
                            else (visit.agreed_by_guest_at, visit.agreed_by_host_at)
                            if visit.guest_id == participant.pk else (True, None))
            if theirs and not mine:
                return NextStep(_("Uw stagepartner is akkoord met de planning. Kijkt u ook, en "
                                  "geeft u uw akkoord?"), planning, _("Planning bekijken"))
        return NextStep(_("Plan de stagedagen samen met uw stagepartner."), planning,
                        _("Naar de stageplanning"))
    return NextStep(_("U heeft (nog) geen stagepartner. De coördinator neemt contact met u "
                      "op."))


def organisations_for(user):
    """The organisations of a coordinator's cohorts (all for admins), proposed ones first, with
    how many participants of those cohorts work there and whether the user may change them;
    in one query."""
    counted = None if user.is_staff else Q(
        participants__cohort__in=Cohort.objects.managed_by(user))
    organisations = Organisation.objects.visible_to(user).annotate(
        participant_count=Count("participants", filter=counted))
    return with_can_change(organisations, user).order_by("confirmed", "name", "pk")


def with_can_change(organisations, user):
    """Mark each organisation with whether `user` may rename or merge it, in the same query."""
    return organisations.annotate(
        can_change=Exists(Organisation.objects.changeable_by(user).filter(pk=OuterRef("pk"))))


def organisation_merge_preview(organisation: Organisation) -> OrganisationMerge:
    """What merging `organisation` away would move, for the confirmation step."""
    return OrganisationMerge(
        participants=organisation.participants.count(),
        preferences=preferences_referring_to(organisation).count(),
        invitations=Invitation.objects.naming_organisation(organisation.normalised_name).count(),
    )


def organisation_merge_colleagues(duplicate: Organisation, into: Organisation
                                  ) -> list[tuple[str, str]]:
    """Published exchanges that would hold two colleagues after merging `duplicate` into
    `into`: (name at duplicate, name at into) per such pair, for the confirmation's warning."""
    rows = (
        Participant.objects.active().filter(
            organisation=duplicate,
            exchange_memberships__exchange__members__participant__organisation=into)
        .values_list("user__name", "user__email",
                     "exchange_memberships__exchange__members__participant__user__name",
                     "exchange_memberships__exchange__members__participant__user__email")
        .order_by("user__name", "user__email")
    )
    return [(a or a_mail, b or b_mail) for a, a_mail, b, b_mail in rows]


def participations_for(user):
    return (
        Participant.objects.active().filter(user=user)
        .select_related("cohort", "organisation").order_by("-cohort__week_a_start")
    )


# --- joining: an invitation or join link remembered in the session until signup/login -----

JOIN_SESSION_KEY = "wisselstage_join"


@dataclass(frozen=True)
class PendingJoin:
    cohort: Cohort
    invitation: object | None = None  # an Invitation, or None for a join link


def remember_join(session, *, kind: str, token: str) -> None:
    session[JOIN_SESSION_KEY] = {"kind": kind, "token": token}


def forget_join(session) -> None:
    session.pop(JOIN_SESSION_KEY, None)


def pending_join_for_session(session) -> PendingJoin | None:
    """The still-valid invitation or join link this browser arrived with, if any."""
    from .models import Invitation

    data = session.get(JOIN_SESSION_KEY) or {}
    token = data.get("token")
    if not token:
        return None
    if data.get("kind") == "invitation":
        invitation = Invitation.objects.select_related("cohort").filter(token=token).first()
        if invitation is None or invitation.status != InvitationStatus.PENDING \
                or invitation.is_expired:
            return None
        return PendingJoin(cohort=invitation.cohort, invitation=invitation)
    cohort = Cohort.objects.filter(join_token=token).first()
    if cohort is None or not cohort.registration_open \
            or cohort.participants.active().count() >= cohort.max_size:
        return None
    return PendingJoin(cohort=cohort)
