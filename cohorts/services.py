"""Writes of the cohort domain. Views, admin, commands and tasks all call these.

Each service takes keyword-only arguments, validates, and owns every side effect of the
change it makes (rows, outbox messages); the docstrings name those side effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import outbox_cancel, outbox_plan

from .enums import CohortStage, InvitationStatus, OrganisationKind, ParticipantStatus
from .models import (
    Cohort,
    Invitation,
    Organisation,
    Participant,
    new_token,
    normalise_name,
    preferences_referring_to,
)
from .rules import can_change_organisation

# --- organisations -----------------------------------------------------------------------


def organisation_find_duplicate(*, name: str, exclude_pk: int | None = None):
    qs = Organisation.objects.filter(normalised_name=normalise_name(name))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def organisation_propose(
    *, name: str, kind: str, proposed_by, region: str = "", place: str = "",
    domains: list[str] | None = None, confirmed: bool = False,
) -> tuple[Organisation, bool]:
    """Return the organisation with this name (case and spacing ignored) or create it.

    Side effects: may create an unconfirmed Organisation that an admin or coordinator
    confirms later. Returns (organisation, created).
    """
    existing = organisation_find_duplicate(name=name)
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name, kind=kind, region=region, place=place, domains=domains or [],
                proposed_by=proposed_by, confirmed=confirmed,
            )
    except IntegrityError:  # created by someone else a moment ago
        return organisation_find_duplicate(name=name), False
    return organisation, True


def organisation_confirm(*, organisation: Organisation) -> Organisation:
    """Mark a proposed organisation as confirmed, so everyone can pick it."""
    organisation.confirmed = True
    organisation.save(update_fields=["confirmed"])
    return organisation


def organisation_update(*, organisation: Organisation, name: str, kind: str, by) -> Organisation:
    """Rename `organisation` and/or change its kind.

    Side effects: the Organisation row; open invitations that named the old name name the
    new one, so joining still finds the organisation. Raises ValidationError (keyed by
    field) when another organisation already has this name (case and spacing ignored), and
    when `by` may not change it.
    """
    if not can_change_organisation(by, organisation):
        raise ValidationError(_("U kunt deze organisatie niet wijzigen: ze wordt ook in andere "
                                "cohorten gebruikt."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Vul een naam in.")})
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("Kies een soort organisatie.")})
    duplicate = organisation_find_duplicate(name=name, exclude_pk=organisation.pk)
    if duplicate:
        raise ValidationError({"name": duplicate_name_message(duplicate)})
    old_key = organisation.normalised_name
    organisation.name, organisation.kind = name, kind
    try:
        with transaction.atomic():
            organisation.save(update_fields=["name", "normalised_name", "kind"])
            if organisation.normalised_name != old_key:
                organisation_rename_in_invitations(old_key=old_key, name=organisation.name)
    except IntegrityError:  # someone gave another organisation this name a moment ago
        organisation.refresh_from_db()
        raise ValidationError(
            {"name": duplicate_name_message(organisation_find_duplicate(name=name))}
        ) from None
    return organisation


def duplicate_name_message(existing: Organisation | None) -> str:
    return _("Er is al een organisatie met deze naam: %(name)s. Zijn het dezelfde? Voeg ze dan "
             "samen.") % {"name": existing.name if existing else ""}


def organisation_rename_in_invitations(*, old_key: str, name: str) -> int:
    """Open invitations that typed the organisation as `old_key` (normalised) now say `name`:
    joining looks organisations up by that name. Returns how many changed."""
    return Invitation.objects.naming_organisation(old_key).update(organisation_name=name)


@dataclass(frozen=True)
class OrganisationMerge:
    """What a merge moved: rows that referred to the duplicate and now refer to the kept
    organisation."""

    participants: int
    preferences: int
    invitations: int


def organisation_merge(*, duplicate: Organisation, into: Organisation, by) -> OrganisationMerge:
    """Move every reference to `duplicate` over to `into`, then delete `duplicate`.

    Side effects, in one transaction: participants' organisation; matching preferences'
    wishes (wish_1..3) and avoided organisations; open invitations that named the
    duplicate; the duplicate row is deleted. Preferences keep the rules of their form: no
    organisation wished twice (later wishes move up), none both wished and avoided (the
    avoid stays: it is a hard rule, a wish only a preference), and not one's own
    organisation. Raises ValidationError for a merge into itself, a confirmed organisation
    into an unconfirmed one, or organisations `by` may not change or pick.
    """
    from matching.models import Preference  # matching builds on cohorts

    if duplicate.pk == into.pk:
        raise ValidationError(_("Kies een andere organisatie om te houden."))
    with transaction.atomic():
        locked = {org.pk: org for org in Organisation.objects.select_for_update()
                  .filter(pk__in=[duplicate.pk, into.pk]).order_by("pk")}
        if len(locked) != 2:
            raise ValidationError(_("Een van de organisaties bestaat niet meer. Kijk in de "
                                    "lijst wat er over is."))
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        if duplicate.confirmed and not into.confirmed:
            raise ValidationError(_("Een bevestigde organisatie kan alleen opgaan in een andere "
                                    "bevestigde organisatie."))
        targets = Organisation.objects.merge_targets_for(by, duplicate)
        if not can_change_organisation(by, duplicate) or not targets.filter(pk=into.pk).exists():
            raise ValidationError(_("U kunt deze organisaties niet samenvoegen."))
        touched = set(preferences_referring_to(duplicate).values_list("pk", flat=True))
        own = set(Preference.objects.filter(participant__organisation=duplicate)
                  .values_list("pk", flat=True))
        participants = Participant.objects.filter(organisation=duplicate).update(
            organisation=into)
        for field_name in ("wish_1", "wish_2", "wish_3"):
            Preference.objects.filter(**{field_name: duplicate}).update(**{field_name: into})
        avoided = Preference.avoided.through.objects
        avoided.filter(organisation=duplicate, preference__in=avoided.filter(
            organisation=into).values("preference")).delete()
        avoided.filter(organisation=duplicate).update(organisation=into)
        _tidy_preferences(Preference.objects.filter(pk__in=touched | own))
        invitations = organisation_rename_in_invitations(old_key=duplicate.normalised_name,
                                                  name=into.name)
        duplicate.delete()
    return OrganisationMerge(participants=participants, preferences=len(touched),
                             invitations=invitations)


def _tidy_preferences(preferences) -> None:
    for pref in preferences.select_related("participant").prefetch_related("avoided"):
        own = pref.participant.organisation_id
        avoided = {org.pk for org in pref.avoided.all()}
        if own in avoided:
            pref.avoided.remove(own)
            avoided.discard(own)
        wishes: list[int | None] = []
        for pk in pref.wished_ids:
            if pk != own and pk not in avoided and pk not in wishes:
                wishes.append(pk)
        wishes += [None] * (3 - len(wishes))
        if wishes != [pref.wish_1_id, pref.wish_2_id, pref.wish_3_id]:
            pref.wish_1_id, pref.wish_2_id, pref.wish_3_id = wishes
            pref.save(update_fields=["wish_1", "wish_2", "wish_3"])


# --- cohorts -----------------------------------------------------------------------------

COHORT_FIELDS = (
    "name", "description", "format", "days_per_visit", "week_a_start", "week_b_start",
    "registration_deadline", "preference_deadline", "allowed_pairings", "allow_triads",
    "max_size", "sender_name",
)


def cohort_create(*, created_by, **fields) -> Cohort:
    """Create a cohort in the concept stage with `created_by` as its coordinator."""
    unknown = set(fields) - set(COHORT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown cohort fields: {sorted(unknown)}")
    with transaction.atomic():
        cohort = Cohort(**fields)
        cohort.full_clean()
        cohort.save()
        cohort.coordinators.add(created_by)
    return cohort


def cohort_update(*, cohort: Cohort, **fields) -> Cohort:
    """Change a cohort's settings."""
    unknown = set(fields) - set(COHORT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown cohort fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.full_clean()
    cohort.save()
    return cohort


STAGE_ORDER = list(CohortStage.values)


def next_stage(stage: str) -> str | None:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def previous_stage(stage: str) -> str | None:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index - 1] if index > 0 else None


def cohort_transition_problems(*, cohort: Cohort, to_stage: str) -> list[str]:
    """What stands in the way of moving `cohort` to `to_stage` (empty: it may move).

    A cohort moves one stage forward, or one back to correct a mistake.
    """
    if to_stage not in STAGE_ORDER:
        return [_("Onbekende fase.")]
    if to_stage not in (next_stage(cohort.stage), previous_stage(cohort.stage)):
        return [_("Een cohort gaat één fase tegelijk verder (of één terug).")]
    if to_stage == previous_stage(cohort.stage):
        return []
    problems = []
    if to_stage == CohortStage.AANMELDING:
        if not cohort.allowed_pairings:
            problems.append(_("Kies welke soorten organisaties aan elkaar gekoppeld mogen worden."))
        if cohort.registration_deadline < timezone.localdate():
            problems.append(_("De aanmelddatum ligt in het verleden."))
    if to_stage == CohortStage.MATCHING:
        active = cohort.participants.active().count()
        if active < 2:
            problems.append(_("Er zijn minstens twee aangemelde deelnemers nodig."))
    return problems


def cohort_advance(*, cohort: Cohort, to_stage: str) -> Cohort:
    """Move the cohort to `to_stage` after checking the transition.

    Raises ValidationError with the reasons when it may not move.
    """
    problems = cohort_transition_problems(cohort=cohort, to_stage=to_stage)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if locked.stage != cohort.stage:
            raise ValidationError(_("Iemand anders heeft de fase net veranderd. Probeer opnieuw."))
        locked.stage = to_stage
        locked.save(update_fields=["stage", "updated_at"])
    cohort.stage = to_stage
    return cohort


def cohort_copy(*, cohort: Cohort, created_by) -> Cohort:
    """Start the next round: same settings and coordinators, dates one year (52 weeks) on,
    stage concept, no participants or invitations."""
    shift = timedelta(weeks=52)
    with transaction.atomic():
        copy = Cohort.objects.create(
            name=_("%(name)s (kopie)") % {"name": cohort.name},
            description=cohort.description, format=cohort.format,
            days_per_visit=cohort.days_per_visit,
            week_a_start=cohort.week_a_start + shift, week_b_start=cohort.week_b_start + shift,
            registration_deadline=cohort.registration_deadline + shift,
            preference_deadline=cohort.preference_deadline + shift,
            allowed_pairings=list(cohort.allowed_pairings), allow_triads=cohort.allow_triads,
            max_size=cohort.max_size, sender_name=cohort.sender_name, copied_from=cohort,
        )
        copy.coordinators.set(cohort.coordinators.all())
        copy.coordinators.add(created_by)
    return copy


def cohort_rotate_join_link(*, cohort: Cohort, enabled: bool = True) -> Cohort:
    """Give the cohort a new secret join link (the old one stops working), or switch it off."""
    cohort.join_token = new_token() if enabled else ""
    cohort.save(update_fields=["join_token", "updated_at"])
    return cohort


# --- invitations -------------------------------------------------------------------------


@dataclass
class InvitationBatch:
    created: list[Invitation] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)
    already_participant: list[str] = field(default_factory=list)
    over_capacity: list[str] = field(default_factory=list)


def _plan_invitation_email(invitation: Invitation) -> None:
    outbox_plan(
        kind="invitation",
        dedupe_key=f"invitation:{invitation.pk}:{invitation.send_count}",
        to_email=invitation.email,
        cohort=invitation.cohort,
        subject_type="invitation",
        subject_id=invitation.pk,
        subject_version=invitation.send_count,
    )


def invitations_create(*, cohort: Cohort, rows, created_by) -> InvitationBatch:
    """Invite every row (objects with email, name, organisation, kind) to the cohort.

    Side effects: an Invitation per new address and an outbox message per invitation, in one
    transaction. Addresses already invited or already participating are reported, not sent
    again; a withdrawn invitation is revived. Rows past the cohort's maximum size are
    reported as over capacity.
    """
    batch = InvitationBatch()
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        existing = {inv.email: inv for inv in cohort.invitations.all()}
        participant_emails = set(
            cohort.participants.active().values_list("user__email", flat=True)
        )
        open_places = cohort.max_size - len(participant_emails) - sum(
            1 for inv in existing.values() if inv.status == InvitationStatus.PENDING
        )
        for row in rows:
            email = row.email.strip().lower()
            if email in participant_emails:
                batch.already_participant.append(email)
                continue
            invitation = existing.get(email)
            if invitation and invitation.status != InvitationStatus.WITHDRAWN:
                batch.already_invited.append(email)
                continue
            if open_places <= 0:
                batch.over_capacity.append(email)
                continue
            if invitation:  # withdrawn before: invite again, with a fresh link
                invitation.status = InvitationStatus.PENDING
                invitation.send_count += 1
                invitation.expires_at = expires_at
                invitation.token = new_token()
                invitation.save(update_fields=["status", "send_count", "expires_at", "token"])
            else:
                invitation = Invitation.objects.create(
                    cohort=cohort, email=email, name=getattr(row, "name", ""),
                    organisation_name=getattr(row, "organisation", ""),
                    organisation_kind=getattr(row, "kind", ""),
                    expires_at=expires_at, created_by=created_by,
                )
                existing[email] = invitation
            open_places -= 1
            _plan_invitation_email(invitation)
            batch.created.append(invitation)
    return batch


def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Send the invitation again with a fresh link and validity period; the old link and any
    unsent copy of the old email stop working."""
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("Alleen een openstaande uitnodiging kan opnieuw worden verstuurd."))
    with transaction.atomic():
        invitation.send_count += 1
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.token = new_token()
        invitation.save(update_fields=["send_count", "expires_at", "token"])
        _plan_invitation_email(invitation)
    return invitation


def invitation_withdraw(*, invitation: Invitation) -> Invitation:
    """Withdraw an open invitation; its link stops working and unsent emails are cancelled."""
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("Deze uitnodiging staat niet meer open."))
    with transaction.atomic():
        invitation.status = InvitationStatus.WITHDRAWN
        invitation.save(update_fields=["status"])
        outbox_cancel(
            subject_type="invitation", subject_id=invitation.pk,
            reason="Uitnodiging ingetrokken",
        )
    return invitation


def invitation_problem(invitation: Invitation | None) -> str:
    """Why this invitation link can no longer be used ('' when it can)."""
    if invitation is None or invitation.status == InvitationStatus.WITHDRAWN:
        return _("Deze uitnodiging bestaat niet (meer). Vraag de coördinator om een nieuwe.")
    if invitation.status == InvitationStatus.ACCEPTED:
        return _("Deze uitnodiging is al gebruikt. Log in om verder te gaan.")
    if invitation.is_expired:
        return _("Deze uitnodiging is verlopen. Vraag de coördinator om een nieuwe.")
    return ""


def participant_join(*, cohort: Cohort, user, invitation: Invitation | None = None) -> Participant:
    """Add `user` to `cohort` (idempotent).

    Side effects: creates the Participant (or re-activates a withdrawn one), marks the
    invitation accepted, and pre-fills the profile's organisation from the invitation when
    that organisation exists.
    """
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        participant = Participant.objects.filter(cohort=locked, user=user).first()
        if participant and participant.status in ParticipantStatus.active():
            return participant
        if invitation is None:
            if not locked.registration_open:
                raise ValidationError(_("Aanmelden voor dit cohort is gesloten."))
            if locked.participants.active().count() >= locked.max_size:
                raise ValidationError(_("Dit cohort is vol."))
        if participant:
            participant.status = ParticipantStatus.REGISTERED
            participant.save(update_fields=["status"])
        else:
            organisation = None
            if invitation and invitation.organisation_name:
                organisation = organisation_find_duplicate(name=invitation.organisation_name)
            participant = Participant.objects.create(
                cohort=locked, user=user, invitation=invitation, organisation=organisation,
            )
        if invitation:
            invitation.status = InvitationStatus.ACCEPTED
            invitation.accepted_by = user
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
            if invitation.name and not user.name:
                user.name = invitation.name
                user.save(update_fields=["name"])
    return participant


def invitation_accept(*, invitation: Invitation, user) -> Participant:
    """Accept an invitation as `user` (who may have signed up with another address)."""
    problem = invitation_problem(invitation)
    if problem and not (
        invitation.status == InvitationStatus.ACCEPTED and invitation.accepted_by_id == user.pk
    ):
        raise ValidationError(problem)
    return participant_join(cohort=invitation.cohort, user=user, invitation=invitation)


def participant_profile_update(
    *, participant: Participant, name: str, new_organisation: str = "",
    new_organisation_kind: str = "", **fields,
) -> Participant:
    """Save the participant's profile for this cohort and their display name.

    Side effects: with `new_organisation`, proposes that organisation (or finds the existing
    one with that name) and links it; marks the profile complete the first time it is saved
    with the required fields, which moves the participant's status on. All in one
    transaction: a failed save leaves no orphan organisation.
    """
    allowed = {"organisation", "job_title", "region", "domains", "bio", "learning_goals",
               "can_show"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    with transaction.atomic():
        if new_organisation:
            fields["organisation"], _created = organisation_propose(
                name=new_organisation, kind=new_organisation_kind,
                proposed_by=participant.user, region=fields.get("region", ""),
            )
        for key, value in fields.items():
            setattr(participant, key, value)
        if participant.organisation_id and participant.job_title and name:
            if participant.profile_completed_at is None:
                participant.profile_completed_at = timezone.now()
            if participant.status == ParticipantStatus.REGISTERED:
                participant.status = ParticipantStatus.PROFILE_DONE
        participant.full_clean()
        participant.save()
        user = participant.user
        if user.name != name:
            user.name = name
            user.save(update_fields=["name"])
    return participant


def participant_withdraw(*, participant: Participant) -> Participant:
    """The participant leaves the cohort; their profile stays for the coordinator's records."""
    participant.status = ParticipantStatus.WITHDRAWN
    participant.save(update_fields=["status"])
    return participant
