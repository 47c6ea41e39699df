"""Reads of the privacy domain: a person's own data, and a cohort's retention schedule."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from agendas.models import AgendaItem
from cohorts.enums import CohortStage
from cohorts.models import Cohort, Participant
from matching.models import ExchangeMember, Preference
from meetings.models import Attendance
from notifications.models import OutboxMessage
from reflections.models import Response, SparringOptIn

from .models import CohortClosure

DEFAULT_RETENTION_MONTHS = 12


def retention_months() -> int:
    return int(getattr(settings, "RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def retention_deadline(closed_at: datetime, months: int | None = None) -> datetime:
    """The moment from which the night run anonymises a cohort first seen closed at
    `closed_at`: that moment plus the retention period (local calendar months)."""
    months = retention_months() if months is None else months
    local = timezone.localtime(closed_at)
    return add_months(local, months)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _preference(participant: Participant) -> dict | None:
    preference = (Preference.objects.filter(participant=participant)
                  .select_related("wish_1", "wish_2", "wish_3")
                  .prefetch_related("avoided").first())
    if preference is None:
        return None
    return {
        "soorten_organisatie": preference.wanted_kinds,
        "domeinen": preference.interest_domains,
        "themas": preference.topics,
        "regios": preference.regions,
        "alleen_online": preference.online_only,
        "dagen_week_a": preference.days_a,
        "dagen_week_b": preference.days_b,
        "wensen": [org.name for org in (preference.wish_1, preference.wish_2, preference.wish_3)
                   if org is not None],
        "vermijden": sorted(org.name for org in preference.avoided.all()),
        "bijgewerkt_op": _iso(preference.updated_at),
    }


def _exchanges(participant: Participant) -> list[dict]:
    result = []
    for membership in (ExchangeMember.objects.filter(participant=participant)
                       .select_related("exchange")):
        partners = (ExchangeMember.objects.filter(exchange_id=membership.exchange_id)
                    .exclude(participant=participant).select_related("participant__user")
                    .order_by("position"))
        result.append({
            # Partners' names only: their addresses and profiles are their data, not yours.
            "partners": [member.participant.user.name or "" for member in partners],
            "gepubliceerd_op": _iso(membership.exchange.published_at),
        })
    return result


def _reflections(participant: Participant) -> list[dict]:
    result = []
    for response in (Response.objects.filter(participant=participant)
                     .select_related("assignment").prefetch_related("answers__question")):
        result.append({
            "opdracht": response.assignment.title,
            "status": response.get_status_display(),
            "ingeleverd_op": _iso(response.submitted_at),
            "gedeeld_met_partner": response.shared_with_partner,
            "antwoorden": [
                {"vraag": answer.question.text, "antwoord": answer.display}
                for answer in sorted(response.answers.all(),
                                     key=lambda a: (a.question.order, a.question.pk))
            ],
        })
    return result


def _participation(participant: Participant) -> dict:
    sparring = SparringOptIn.objects.filter(participant=participant).first()
    return {
        "cohort": participant.cohort.name,
        "status": participant.get_status_display(),
        "aangemeld_op": _iso(participant.joined_at),
        "profiel": {
            "organisatie": participant.organisation.name if participant.organisation else "",
            "functie": participant.job_title,
            "regio": participant.get_region_display() if participant.region else "",
            "domeinen": participant.domains,
            "introductie": participant.bio,
            "leerdoelen": participant.learning_goals,
            "wat_u_kunt_laten_zien": participant.can_show,
            "profiel_ingevuld_op": _iso(participant.profile_completed_at),
        },
        "voorkeuren": _preference(participant),
        "uitwisselingen": _exchanges(participant),
        "aanwezig_bij_bijeenkomsten": [
            {"bijeenkomst": attendance.meeting.title,
             "begon_om": _iso(attendance.meeting.starts_at)}
            for attendance in (Attendance.objects.filter(participant=participant)
                               .select_related("meeting").order_by("meeting__starts_at"))
        ],
        "reflecties": _reflections(participant),
        "sparring": {"onderwerp": sparring.note, "sinds": _iso(sparring.created_at)}
        if sparring else None,
    }


def personal_data(user) -> dict:
    """Everything the platform keeps about this person, as plain JSON-ready data (the right
    of access, AVG art. 15, and data portability, art. 20). Email bodies are not kept after
    sending, so only their kind and date are listed."""
    from allauth.account.models import EmailAddress

    participations = (Participant.objects.filter(user=user)
                      .select_related("cohort", "organisation").order_by("joined_at", "pk"))
    return {
        "gemaakt_op": _iso(timezone.now()),
        "account": {
            "e_mailadres": user.email,
            "naam": user.name,
            "taal": user.language,
            "aangemaakt_op": _iso(user.date_joined),
            "laatst_ingelogd": _iso(user.last_login),
            "beheerder": user.is_staff,
            "e_mailadressen": [
                {"e_mailadres": address.email, "bevestigd": address.verified,
                 "hoofdadres": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("email")
            ],
        },
        "coordinator_van": sorted(user.coordinated_cohorts.values_list("name", flat=True)),
        "deelnames": [_participation(participant) for participant in participations],
        "agendaonderdelen_voorgesteld": [
            {"titel": item.title, "dag": _iso(item.day), "begin": _iso(item.start),
             "einde": _iso(item.end), "omschrijving": item.description, "plaats": item.place,
             "ontmoet": item.meets, "status": item.get_status_display(),
             "geschrapt": item.cancelled}
            for item in AgendaItem.objects.filter(proposed_by=user).order_by("day", "start")
        ],
        "e_mails_aan_u": [
            {"soort": message.kind, "onderwerp": message.subject_type,
             "datum": _iso(message.sent_at or message.due_at),
             "status": message.get_status_display()}
            for message in OutboxMessage.objects.filter(recipient=user).order_by("due_at", "pk")
        ],
    }


@dataclass
class RetentionOverview:
    cohort: Cohort
    months: int
    is_closed: bool
    closed_at: datetime | None  # None: not closed, or closed but not yet seen by the night run
    deadline: date | None
    anonymised_at: datetime | None
    participant_count: int  # still to anonymise

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


def retention_overview(cohort: Cohort, *, now: datetime | None = None) -> RetentionOverview:
    """When the cohort's personal data will be anonymised and for how many participants.
    A cohort closed today that the night run has not seen yet counts from today."""
    now = now or timezone.now()
    months = retention_months()
    closure = CohortClosure.objects.filter(cohort=cohort).first()
    is_closed = cohort.stage == CohortStage.AFGEROND
    closed_at = closure.closed_at if closure else None
    deadline = None
    if is_closed:
        deadline = timezone.localtime(retention_deadline(closed_at or now, months)).date()
    return RetentionOverview(
        cohort=cohort, months=months, is_closed=is_closed, closed_at=closed_at,
        deadline=deadline,
        anonymised_at=closure.anonymised_at if closure else None,
        participant_count=Participant.objects.filter(cohort=cohort, anonymisation__isnull=True)
        .count(),
    )
