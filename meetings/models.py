"""Group meetings of a cohort, their materials, attendance and the cohort's reminder rules."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort

from .enums import MeetingKind, MeetingStatus

DEFAULT_REMINDER_DAYS = (7, 1)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings of the cohorts the user may open (participants see their own cohort's)."""
        return self.filter(cohort__in=Cohort.objects.visible_to(user))

    def managed_by(self, user):
        """Meetings of the cohorts the user may change (coordinators, admins)."""
        return self.filter(cohort__in=Cohort.objects.managed_by(user))

    def planned(self):
        return self.filter(status=MeetingStatus.PLANNED)


class Meeting(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("soort"), max_length=20, choices=MeetingKind.choices,
                            default=MeetingKind.ANDERS)
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    online_url = models.URLField(_("link voor online meedoen"), blank=True, max_length=500)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    description = models.TextField(_("omschrijving"), blank=True, max_length=5000)
    materials_text = models.TextField(_("materiaal en oefeningen"), blank=True, max_length=10000)
    # Rises on every change; the iCalendar SEQUENCE and the version of planned reminders.
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices,
                              default=MeetingStatus.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def uid(self) -> str:
        """The iCalendar UID; stays the same through every change."""
        return f"meeting-{self.pk}@wisselstage"

    @property
    def location(self) -> str:
        return self.address or self.online_url


def material_path(instance: MeetingMaterial, filename: str) -> str:
    # A random folder: names from users never collide and cannot be guessed.
    return f"meetings/{instance.meeting.cohort_id}/{uuid.uuid4().hex}/{PurePath(filename).name}"


class MeetingMaterial(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("bestand"), upload_to=material_path, max_length=300)
    name = models.CharField(_("naam"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("materiaal")
        verbose_name_plural = _("materialen")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    """One row per participant who attended a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey("cohorts.Participant", on_delete=models.CASCADE,
                                    related_name="attendances")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"],
                                    name="attendance_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.meeting}"


class ReminderRule(models.Model):
    """Remind every active participant this many days before each meeting (same local
    wall-clock time)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="reminder_rules")
    days_before = models.PositiveSmallIntegerField(_("dagen vooraf"))

    class Meta:
        verbose_name = _("herinneringsregel")
        verbose_name_plural = _("herinneringsregels")
        ordering = ["-days_before"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "days_before"],
                                    name="reminder_rule_once_per_cohort"),
            models.CheckConstraint(condition=Q(days_before__gte=1, days_before__lte=60),
                                   name="reminder_rule_1_to_60_days"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.days_before}"
