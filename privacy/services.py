"""Writes of the privacy domain: deleting an account and anonymising closed cohorts.

How the figures survive (the design choice, see also README of this app in the report):
a participant row is never deleted. Anonymising it re-points `Participant.user` to a fresh,
inactive placeholder account named "Verwijderde deelnemer" (one per participant, because a
response is unique per assignment and participant, so two people cannot share one
placeholder participant). The numeric answers stay on that same participant row, so the
NPS, the paired before/after shift, attendance and pairing counts do not change, while
nothing links them to the person any more. Free text is deleted.

In a cohort that is still running (before the reflection stage) the anonymised participant
is also marked withdrawn, so matching, reminders and nudges stop; the reports count only
active participants, so there the few answers given so far leave the live figures.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agendas.models import AgendaChange, AgendaItem, CalendarFeed, Visit
from cohorts.enums import CohortStage, ParticipantStatus
from cohorts.models import Cohort, Invitation, Organisation, Participant
from matching.models import MatchRun, Preference
from notifications.models import OutboxMessage
from notifications.services import outbox_cancel_rows
from reflections.enums import QuestionKey, QuestionKind, ResponseStatus
from reflections.models import Answer, Response, SparringOptIn

from .enums import AnonymisationReason
from .models import AnonymisedParticipant, CohortClosure
from .selectors import retention_deadline, retention_months

logger = logging.getLogger(__name__)

# Stored in the database (it is the placeholder's name), so not translated.
PLACEHOLDER_NAME = "Verwijderde deelnemer"
# Stages in which the reflections (and so the report figures) exist: an anonymised
# participant keeps its status there; earlier, it is withdrawn from the running programme.
KEEP_STATUS_STAGES = (CohortStage.REFLECTIE, CohortStage.AFGEROND)


def _placeholder_user():
    """An inactive account that can never log in: `.invalid` is a reserved top-level domain."""
    user = get_user_model()(email=f"anoniem-{uuid.uuid4().hex[:20]}@invalid",
                            name=PLACEHOLDER_NAME, is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def _outbox_cancel_for(*, user, cohort: Cohort | None, reason: str) -> int:
    """Cancel the messages to this person that have not gone out yet (optionally only those
    about one cohort)."""
    rows = OutboxMessage.objects.filter(
        Q(recipient=user) | Q(recipient__isnull=True, to_email__iexact=user.email))
    if cohort is not None:
        rows = rows.filter(cohort=cohort)
    return outbox_cancel_rows(rows, reason=reason)


def _invitations_scrub(invitations) -> int:
    count = 0
    for invitation in invitations:
        invitation.email = f"verwijderd-uitnodiging-{invitation.pk}@invalid"
        invitation.name = ""
        invitation.organisation_name = ""
        invitation.accepted_by = None
        invitation.save(update_fields=["email", "name", "organisation_name", "accepted_by"])
        count += 1
    return count


def _match_runs_scrub(participant: Participant) -> None:
    """Match runs keep a {participant id: name} table for their result pages."""
    key = str(participant.pk)
    for run in MatchRun.objects.filter(cohort_id=participant.cohort_id):
        names = (run.result or {}).get("names") or {}
        if key in names and names[key] != PLACEHOLDER_NAME:
            names[key] = PLACEHOLDER_NAME
            run.save(update_fields=["result"])


def _reflections_strip(participant: Participant) -> None:
    responses = Response.objects.filter(participant=participant)
    # Drafts never count in any figure: nothing of them is kept.
    responses.filter(status=ResponseStatus.DRAFT).delete()
    answers = Answer.objects.filter(response__participant=participant)
    # Free text goes; the answers to fixed-option questions stay (they are categories), except
    # the quote consent, which only makes sense next to a quote.
    answers.filter(value_number__isnull=True).exclude(question__kind=QuestionKind.CHOICE).delete()
    answers.filter(question__key=QuestionKey.QUOTE_CONSENT).delete()
    answers.filter(value_number__isnull=False).exclude(value_text="").update(value_text="")
    responses.update(shared_with_partner=False)


@transaction.atomic
def participant_anonymise(*, participant: Participant, reason: str) -> bool:
    """Remove everything that ties this participant row to a person; keep the numbers.

    Side effects: deletes draft responses, free-text answers and the quote consent; blanks
    the profile (the organisation stays: reports count pairings by organisation kind);
    deletes the matching preference and the sparring opt-in; replaces the name in the
    cohort's match runs; scrubs the invitation the person accepted in this cohort; cancels
    open outbox messages to the person about this cohort; withdraws the participant unless
    the cohort is in reflectie or afgerond; re-points the row to a new placeholder account
    "Verwijderde deelnemer"; records an AnonymisedParticipant row. The person's own account
    is left alone (see `account_delete`). Returns False (and does nothing) when the
    participant was anonymised before.
    """
    participant = (Participant.objects.select_for_update().select_related("cohort", "user")
                   .get(pk=participant.pk))
    if AnonymisedParticipant.objects.filter(participant=participant).exists():
        return False
    person, cohort = participant.user, participant.cohort

    _reflections_strip(participant)
    Preference.objects.filter(participant=participant).delete()
    SparringOptIn.objects.filter(participant=participant).delete()
    _match_runs_scrub(participant)
    _invitations_scrub(Invitation.objects.filter(
        Q(pk=participant.invitation_id) | Q(accepted_by=person) | Q(email__iexact=person.email),
        cohort=cohort))
    # Who proposed an agenda item or made a change is personal; what the pair planned is
    # also the partner's history and stays.
    visits = Visit.objects.filter(exchange__cohort=cohort)
    AgendaItem.objects.filter(visit__in=visits, proposed_by=person).update(proposed_by=None)
    AgendaChange.objects.filter(visit__in=visits, actor=person).update(actor=None)
    _outbox_cancel_for(user=person, cohort=cohort,
                       reason="Geannuleerd: de deelnemer is geanonimiseerd.")

    participant.job_title = ""
    participant.region = ""
    participant.domains = []
    participant.bio = ""
    participant.learning_goals = ""
    participant.can_show = ""
    if cohort.stage not in KEEP_STATUS_STAGES:
        participant.status = ParticipantStatus.WITHDRAWN
    participant.user = _placeholder_user()
    participant.save()
    AnonymisedParticipant.objects.create(participant=participant, reason=reason)
    logger.info("Participant %s anonymised (%s).", participant.pk, reason)
    return True


def _user_scrub(user) -> None:
    """Deactivate the account and remove what identifies the person."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    _outbox_cancel_for(user=user, cohort=None,
                       reason="Geannuleerd: het account is verwijderd.")
    OutboxMessage.objects.filter(recipient=user).update(context={}, payload={})
    OutboxMessage.objects.filter(recipient__isnull=True, to_email__iexact=user.email).update(
        to_email=f"verwijderd-{user.pk}@invalid", context={}, payload={})
    _invitations_scrub(Invitation.objects.filter(Q(accepted_by=user) | Q(email__iexact=user.email)))
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    Organisation.objects.filter(proposed_by=user).update(proposed_by=None)
    AgendaItem.objects.filter(proposed_by=user).update(proposed_by=None)
    AgendaChange.objects.filter(actor=user).update(actor=None)
    user.coordinated_cohorts.clear()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"verwijderd-{user.pk}@invalid"
    user.name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    # An unusable password also changes the session hash: every other session ends.
    user.set_unusable_password()
    user.save()


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete a person's account the AVG way: the person disappears, the figures stay.

    Side effects: every participation is anonymised (`participant_anonymise`, reason
    account_deleted); pending outbox messages to the person are cancelled and the bodies of
    sent ones cleared; invitations to the address are scrubbed; allauth email addresses,
    two-factor authenticators and the calendar feed are deleted; coordinator roles and
    groups are removed; the User row stays (audit rows and sent messages point to it) but is
    deactivated, gets `verwijderd-<id>@invalid`, an empty name and an unusable password.
    Logging the person out of the current request is the caller's job.
    """
    for participant in list(Participant.objects.filter(user=user)):
        participant_anonymise(participant=participant,
                              reason=AnonymisationReason.ACCOUNT_DELETED)
    _user_scrub(user)
    logger.info("Account %s deleted.", user.pk)


@transaction.atomic
def cohort_anonymise(*, cohort: Cohort, now: datetime | None = None) -> int:
    """Anonymise a whole closed cohort after its retention period.

    Side effects: every participant not anonymised yet goes through `participant_anonymise`
    (reason retention); all the cohort's invitations are scrubbed; the free text of the
    pairs' agenda items (description, who the guest meets, comments) and the visits'
    addresses and links are cleared; the closure gets anonymised_at; a person whose account
    has no other participation, is no coordinator and no staff is scrubbed and deactivated
    like a deleted account. Returns the number of participants anonymised now.
    """
    now = now or timezone.now()
    closure = CohortClosure.objects.select_for_update().filter(cohort=cohort).first()
    if closure is not None and closure.anonymised_at is not None:
        return 0
    count = 0
    people = set()
    for participant in list(Participant.objects.filter(cohort=cohort)
                            .exclude(anonymisation__isnull=False).select_related("user")):
        people.add(participant.user)
        count += participant_anonymise(participant=participant,
                                       reason=AnonymisationReason.RETENTION)
    _invitations_scrub(Invitation.objects.filter(cohort=cohort).exclude(email__endswith="@invalid"))
    AgendaItem.objects.filter(visit__exchange__cohort=cohort).update(
        description="", meets="", comment="")
    Visit.objects.filter(exchange__cohort=cohort).update(address="", meeting_link="")
    AgendaChange.objects.filter(visit__exchange__cohort=cohort).delete()
    for person in people:
        if (not person.is_staff and not person.participations.exists()
                and not person.coordinated_cohorts.exists()):
            _user_scrub(person)
    if closure is not None:
        closure.anonymised_at = now
        closure.save(update_fields=["anonymised_at"])
    logger.info("Cohort %s anonymised: %d participants.", cohort.pk, count)
    return count


def cohort_closures_record(*, now: datetime | None = None) -> int:
    """Start the retention clock of cohorts seen in stage afgerond for the first time; stop
    it for cohorts that were reopened before they were anonymised.

    Side effects: creates and deletes CohortClosure rows. Returns the number created."""
    now = now or timezone.now()
    CohortClosure.objects.exclude(cohort__stage=CohortStage.AFGEROND).filter(
        anonymised_at__isnull=True).delete()
    new = [CohortClosure(cohort=cohort, closed_at=now) for cohort in
           Cohort.objects.filter(stage=CohortStage.AFGEROND, privacy_closure__isnull=True)]
    CohortClosure.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def cohorts_anonymise_expired(*, now: datetime | None = None) -> int:
    """The nightly retention run: record newly closed cohorts, then anonymise every closed
    cohort whose retention period (settings.RETENTION_MONTHS after it was first seen
    afgerond) has ended. Idempotent: a second run finds nothing to do.

    Side effects: those of `cohort_closures_record` and `cohort_anonymise`. Returns the
    number of participants anonymised."""
    now = now or timezone.now()
    cohort_closures_record(now=now)
    months = retention_months()
    total = 0
    for closure in (CohortClosure.objects.filter(cohort__stage=CohortStage.AFGEROND,
                                                 anonymised_at__isnull=True)
                    .select_related("cohort")):
        if retention_deadline(closure.closed_at, months) <= now:
            total += cohort_anonymise(cohort=closure.cohort, now=now)
    if total:
        logger.info("Retention run anonymised %d participants.", total)
    return total

