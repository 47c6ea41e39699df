"""Organisations, cohorts, participants and invitations.

Every query a view makes goes through a manager method scoped to the user
(`Cohort.objects.visible_to(user)`), so an outsider's lookup finds nothing and gets a 404.
"""

import re
import secrets
import unicodedata

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import (
    CohortFormat,
    CohortStage,
    Domain,
    InvitationStatus,
    OrganisationKind,
    Pairing,
    ParticipantStatus,
    Region,
)


def normalise_name(name: str) -> str:
    """The key that makes 'Gemeente  Utrecht' and 'gemeente utrecht' the same organisation."""
    text = unicodedata.normalize("NFKC", name).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OrganisationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed=True)

    def selectable_by(self, user):
        """Confirmed organisations, plus the ones this user proposed and still awaits."""
        return self.filter(Q(confirmed=True) | Q(proposed_by=user))

    def visible_to(self, user):
        """Organisations a coordinator works with: all for admins; otherwise those of the
        participants of cohorts they coordinate, and what those participants proposed."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        theirs = Participant.objects.filter(cohort__in=Cohort.objects.managed_by(user))
        return self.filter(
            Exists(theirs.filter(organisation=OuterRef("pk")))
            | (Q(confirmed=False) & Exists(theirs.filter(user=OuterRef("proposed_by"))))
        )

    def changeable_by(self, user):
        """Organisations the user may rename or merge away: all for admins; for a coordinator
        the visible ones that no participant or preference outside their own cohorts refers
        to. The list is shared by every cohort, so changing a shared organisation (its kind
        decides who may pair with whom) would change other coordinators' cohorts."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        preference = apps.get_model("matching", "Preference")
        managed = Cohort.objects.managed_by(user)
        org = OuterRef("pk")
        return self.visible_to(user).exclude(
            Exists(Participant.objects.exclude(cohort__in=managed).filter(organisation=org))
        ).exclude(
            Exists(preference.objects.exclude(participant__cohort__in=managed).filter(
                Q(wish_1=org) | Q(wish_2=org) | Q(wish_3=org) | Q(avoided=org)))
        )

    def merge_targets_for(self, user, duplicate):
        """Where `duplicate` may be merged into: another organisation the user sees, or any
        confirmed one (every participant can pick those already). A confirmed organisation
        only goes into a confirmed one, so merging never undoes a confirmation."""
        targets = self.filter(
            Q(confirmed=True) | Q(pk__in=self.model.objects.visible_to(user).values("pk"))
        ).exclude(pk=duplicate.pk)
        return targets.filter(confirmed=True) if duplicate.confirmed else targets


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200)
    normalised_name = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=20, choices=OrganisationKind.choices)
    region = models.CharField(_("regio"), max_length=20, choices=Region.choices, blank=True)
    domains = models.JSONField(_("domeinen"), default=list, blank=True)
    place = models.CharField(_("plaats"), max_length=100, blank=True)
    confirmed = models.BooleanField(_("bevestigd"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("voorgesteld door"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = re.sub(r"\s+", " ", self.name).strip()
        self.normalised_name = normalise_name(self.name)
        super().save(*args, **kwargs)

    def get_domains_display(self) -> str:
        return domains_display(self.domains)


def preferences_referring_to(organisation):
    """The matching preferences that wish for `organisation` or avoid it."""
    # matching builds on cohorts; look its model up lazily instead of importing it.
    preference = apps.get_model("matching", "Preference")
    avoiding = preference.avoided.through.objects.filter(organisation=organisation)
    return preference.objects.filter(
        Q(wish_1=organisation) | Q(wish_2=organisation) | Q(wish_3=organisation)
        | Q(pk__in=avoiding.values("preference_id"))
    )


def domains_display(codes) -> str:
    labels = dict(Domain.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)


class CohortQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Cohorts the user may open: all for admins, coordinated or joined ones otherwise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(
            Q(coordinators=user)
            | Q(participants__user=user, participants__status__in=ParticipantStatus.active())
        ).distinct()

    def managed_by(self, user):
        """Cohorts the user may change: all for admins, their own as coordinator."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(coordinators=user)


class Cohort(models.Model):
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True, max_length=5000)
    format = models.CharField(
        _("vorm"), max_length=20, choices=CohortFormat.choices, default=CohortFormat.HYBRIDE
    )
    days_per_visit = models.PositiveSmallIntegerField(_("dagen per bezoek"), default=2)
    week_a_start = models.DateField(_("stageweek A begint op"))
    week_b_start = models.DateField(_("stageweek B begint op"))
    registration_deadline = models.DateField(_("aanmelden kan tot en met"))
    preference_deadline = models.DateField(_("voorkeuren opgeven kan tot en met"))
    allowed_pairings = models.JSONField(_("toegestane koppelingen"), default=list, blank=True)
    allow_triads = models.BooleanField(
        _("trio's toestaan"), default=True,
        help_text=_("Bij een oneven aantal kan één drietal ontstaan: A ontvangt B, B ontvangt C, "
                    "C ontvangt A."),
    )
    max_size = models.PositiveIntegerField(_("maximaal aantal deelnemers"), default=30)
    stage = models.CharField(
        _("fase"), max_length=20, choices=CohortStage.choices, default=CohortStage.CONCEPT
    )
    join_token = models.CharField(max_length=64, blank=True, default="", db_index=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_cohorts", blank=True,
        verbose_name=_("coördinatoren"),
    )
    sender_name = models.CharField(
        _("afzendernaam"), max_length=100, blank=True,
        help_text=_("Naam boven de e-mails aan deelnemers, bijvoorbeeld 'Wisselstage Brabant'."),
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorten")
        ordering = ["-week_a_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_per_visit__gte=1, days_per_visit__lte=4),
                name="cohort_days_per_visit_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(week_b_start__gt=models.F("week_a_start")),
                name="cohort_week_b_after_week_a",
            ),
            models.CheckConstraint(
                condition=Q(preference_deadline__gte=models.F("registration_deadline"),
                            preference_deadline__lt=models.F("week_a_start")),
                name="cohort_deadlines_in_order",
            ),
            models.CheckConstraint(condition=Q(max_size__gte=2, max_size__lte=10000),
                                   name="cohort_max_size_range"),
            models.CheckConstraint(condition=Q(stage__in=CohortStage.values),
                                   name="cohort_stage_valid"),
            models.UniqueConstraint(fields=["join_token"], condition=~Q(join_token=""),
                                    name="cohort_join_token_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def week_a_days(self):
        return _week_days(self.week_a_start)

    @property
    def week_b_days(self):
        return _week_days(self.week_b_start)

    def get_allowed_pairings_display(self) -> str:
        labels = dict(Pairing.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.allowed_pairings)

    @property
    def registration_open(self) -> bool:
        return (
            self.stage == CohortStage.AANMELDING
            and timezone.localdate() <= self.registration_deadline
        )


def _week_days(start):
    from datetime import timedelta

    return [start + timedelta(days=offset) for offset in range(5)]


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ParticipantStatus.active())

    def visible_to(self, user):
        """Participants whose profile the user may read (cohort co-members don't see each other
        here; partners see each other through their exchange)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(Q(cohort__coordinators=user) | Q(user=user)).distinct()


class Participant(models.Model):
    """A person's place in one cohort, with the profile they give for that cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ParticipantStatus.choices,
        default=ParticipantStatus.REGISTERED,
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="participants", verbose_name=_("organisatie"),
    )
    job_title = models.CharField(_("functie"), max_length=200, blank=True)
    region = models.CharField(_("regio"), max_length=20, choices=Region.choices, blank=True)
    domains = models.JSONField(_("domeinen waarin u werkt"), default=list, blank=True)
    bio = models.TextField(_("korte introductie"), blank=True, max_length=2000)
    learning_goals = models.TextField(_("wat wilt u leren?"), blank=True, max_length=2000)
    can_show = models.TextField(_("wat kunt u een gast laten zien?"), blank=True, max_length=2000)
    invitation = models.ForeignKey(
        "Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    profile_completed_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")
        ordering = ["user__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="participant_once_per_cohort"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def profile_complete(self) -> bool:
        return self.profile_completed_at is not None


class InvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=InvitationStatus.PENDING, expires_at__gt=timezone.now())

    def naming_organisation(self, normalised: str):
        """Pending invitations whose organisation, as typed, is this normalised name: joining
        looks the organisation up by that name."""
        rows = (self.filter(status=InvitationStatus.PENDING).exclude(organisation_name="")
                .values_list("pk", "organisation_name"))
        return self.filter(pk__in=[pk for pk, typed in rows if normalise_name(typed) == normalised])


class Invitation(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mailadres"))
    name = models.CharField(_("naam"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisatie"), max_length=200, blank=True)
    organisation_kind = models.CharField(
        _("soort organisatie"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    expires_at = models.DateTimeField(_("verloopt op"))
    send_count = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="accepted_invitations",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-created_at", "email"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="invitation_once_per_cohort"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_expired(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now()

    @property
    def display_status(self) -> str:
        if self.is_expired:
            return str(_("Verlopen"))
        return self.get_status_display()
