"""Stage visits and the agenda items a pair co-plans for them.

Every view query goes through `Visit.objects.visible_to(user)` / `AgendaItem.objects
.visible_to(user)`, both scoped via `Exchange.objects.visible_to(user)`: outsiders get a 404.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .enums import ItemKind, ItemStatus, VisitMode, Week


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        from matching.models import Exchange

        return self.filter(exchange__in=Exchange.objects.visible_to(user))


class Visit(models.Model):
    """One host → guest edge of an exchange: leg 0 and 1 for a pair, 0..2 for a triad."""

    exchange = models.ForeignKey("matching.Exchange", on_delete=models.CASCADE,
                                 related_name="visits")
    leg = models.PositiveSmallIntegerField(_("bezoek"))
    week = models.CharField(_("stageweek"), max_length=2, choices=Week.choices)
    host = models.ForeignKey("cohorts.Participant", on_delete=models.CASCADE,
                             related_name="hosted_visits", verbose_name=_("gastheer/-vrouw"))
    guest = models.ForeignKey("cohorts.Participant", on_delete=models.CASCADE,
                              related_name="guest_visits", verbose_name=_("gast"))
    days = models.JSONField(_("dagen"), default=list, blank=True)  # ISO dates, sorted
    mode = models.CharField(_("vorm"), max_length=20, choices=VisitMode.choices,
                            default=VisitMode.ON_SITE)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    meeting_link = models.URLField(_("link voor online deelname"), max_length=500, blank=True)
    agreed_by_host_at = models.DateTimeField(null=True, blank=True)
    agreed_by_guest_at = models.DateTimeField(null=True, blank=True)
    held = models.BooleanField(_("gehouden"), default=False)
    # Rises on every change; the iCalendar SEQUENCE of the visit's days.
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("bezoek")
        verbose_name_plural = _("bezoeken")
        ordering = ["exchange", "leg"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "leg"], name="visit_once_per_leg"),
            models.CheckConstraint(condition=Q(leg__lte=2), name="visit_leg_0_to_2"),
        ]

    def __str__(self) -> str:
        return f"{self.guest} bij {self.host}"

    @property
    def day_dates(self) -> list[date]:
        return [date.fromisoformat(value) for value in self.days]

    @property
    def agreed(self) -> bool:
        return bool(self.agreed_by_host_at and self.agreed_by_guest_at)

    def uid_for_day(self, day: date) -> str:
        return f"visit-{self.pk}-{day.isoformat()}@wisselstage"


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visit__in=Visit.objects.visible_to(user))

    def active(self):
        return self.filter(cancelled=False)


class AgendaItem(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="items")
    day = models.DateField(_("dag"))
    start = models.TimeField(_("begintijd"))
    end = models.TimeField(_("eindtijd"))
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True, max_length=2000)
    place = models.CharField(_("plaats of link"), max_length=300, blank=True)
    meets = models.CharField(_("wie de gast ontmoet"), max_length=300, blank=True)
    kind = models.CharField(_("soort"), max_length=20, choices=ItemKind.choices,
                            default=ItemKind.ANDERS)
    involves_clients = models.BooleanField(_("met cliënten of inwoners"), default=False)
    consent_arranged = models.BooleanField(_("toestemming is geregeld"), default=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("voorgesteld door"))
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices,
                              default=ItemStatus.PROPOSED)
    comment = models.TextField(_("opmerking"), blank=True, max_length=2000)
    # Optimistic locking: an edit names the version it started from (agenda_item_update).
    version = models.PositiveIntegerField(default=1)
    cancelled = models.BooleanField(_("geschrapt"), default=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agendaonderdeel")
        verbose_name_plural = _("agendaonderdelen")
        ordering = ["day", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")),
                                   name="agenda_item_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def uid(self) -> str:
        return f"agenda-item-{self.pk}@wisselstage"


class AgendaChange(models.Model):
    """What changed, by whom: the material of the digest email to the other partner(s)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.summary


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret of a person's calendar feed URL; renewing it makes the old URL stop."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="agenda_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agendakoppeling")
        verbose_name_plural = _("agendakoppelingen")

    def __str__(self) -> str:
        return str(self.user)
