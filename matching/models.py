"""Preferences, match runs, pins and forbids, and published exchanges.

Every view query goes through a manager scoped to the user (`Exchange.objects.visible_to`),
so outsiders find nothing and get a 404.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .enums import Objective, RunStatus


class Preference(models.Model):
    """What one participant wants from the matching (one row per participant)."""

    participant = models.OneToOneField(
        "cohorts.Participant", on_delete=models.CASCADE, related_name="preference"
    )
    wanted_kinds = models.JSONField(_("soorten organisatie, op volgorde"), default=list,
                                    blank=True)
    interest_domains = models.JSONField(_("domeinen die u wilt leren kennen"), default=list,
                                        blank=True)
    topics = models.JSONField(_("thema's"), default=list, blank=True)
    regions = models.JSONField(_("regio's waar u naartoe kunt reizen"), default=list,
                               blank=True)
    online_only = models.BooleanField(_("alleen online"), default=False)
    days_a = models.JSONField(_("beschikbare dagen in week A"), default=list, blank=True)
    days_b = models.JSONField(_("beschikbare dagen in week B"), default=list, blank=True)
    wish_1 = models.ForeignKey("cohorts.Organisation", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("wens 1"))
    wish_2 = models.ForeignKey("cohorts.Organisation", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("wens 2"))
    wish_3 = models.ForeignKey("cohorts.Organisation", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("wens 3"))
    avoided = models.ManyToManyField("cohorts.Organisation", blank=True, related_name="+",
                                     verbose_name=_("organisaties die u wilt vermijden"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voorkeur")
        verbose_name_plural = _("voorkeuren")

    def __str__(self) -> str:
        return str(self.participant)

    @property
    def wished_ids(self) -> list[int]:
        return [pk for pk in (self.wish_1_id, self.wish_2_id, self.wish_3_id) if pk]


class MatchRunQuerySet(models.QuerySet):
    def managed_by(self, user):
        from cohorts.models import Cohort

        return self.filter(cohort__in=Cohort.objects.managed_by(user))


class MatchRun(models.Model):
    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE,
                               related_name="match_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a worker claims the run; the reaper measures "running too long" from here, so a
    # run that waited in the queue behind others is not failed for the wait.
    started_at = models.DateTimeField(null=True, blank=True)
    objective = models.CharField(_("doel"), max_length=20, choices=Objective.choices,
                                 default=Objective.MAX_TOTAL)
    triads = models.BooleanField(_("drietallen toestaan"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices,
                              default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    # {"exchanges": [{"members": [ids], "score", "pinned", "reasons": [..]}],
    #  "unmatched": [{"id", "reason"}], "messages": [...], "names": {id: name}}
    result = models.JSONField(default=dict, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    note = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = MatchRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("matchingsronde")
        verbose_name_plural = _("matchingsrondes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cohort} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def error_text(self) -> str:
        """The reason a run failed, in the reader's language. Reasons the app writes itself are
        stored in Dutch (marked with gettext_noop) and translated here; the engine's messages
        have no translation and pass unchanged."""
        return gettext(self.error) if self.error else ""


class _PairRule(models.Model):
    """A pair of participants in one cohort, stored with a < b so each pair exists once."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="+")
    a = models.ForeignKey("cohorts.Participant", on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey("cohorts.Participant", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Pin(_PairRule):
    class Meta:
        verbose_name = _("vastgezet paar")
        verbose_name_plural = _("vastgezette paren")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "a", "b"], name="pin_once"),
            models.CheckConstraint(condition=Q(a__lt=F("b")), name="pin_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.a} – {self.b}"


class Forbid(_PairRule):
    class Meta:
        verbose_name = _("uitgesloten paar")
        verbose_name_plural = _("uitgesloten paren")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "a", "b"], name="forbid_once"),
            models.CheckConstraint(condition=Q(a__lt=F("b")), name="forbid_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.a} – {self.b}"


class ExchangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see all; coordinators their cohorts'; a participant only their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(
            Q(cohort__coordinators=user) | Q(members__participant__user=user)
        ).distinct()


class Exchange(models.Model):
    """A published pair (a hosts b, b hosts a) or triad (position 0 hosts 1, 1 hosts 2,
    2 hosts 0)."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE,
                               related_name="exchanges")
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="exchanges")
    score = models.FloatField(_("score"), default=0)
    reasons = models.JSONField(_("redenen"), default=list, blank=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExchangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitwisseling")
        verbose_name_plural = _("uitwisselingen")
        ordering = ["id"]

    def __str__(self) -> str:
        return " – ".join(str(m.participant) for m in self.members.all())


class ExchangeMember(models.Model):
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="members")
    # Denormalised from the exchange so the database can enforce one exchange per person.
    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey("cohorts.Participant", on_delete=models.CASCADE,
                                    related_name="exchange_memberships")
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("lid van uitwisseling")
        verbose_name_plural = _("leden van uitwisselingen")
        ordering = ["exchange", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "participant"],
                                    name="one_exchange_per_participant_per_cohort"),
            models.UniqueConstraint(fields=["exchange", "position"],
                                    name="exchange_member_position_once"),
            models.CheckConstraint(condition=Q(position__lte=2),
                                   name="exchange_at_most_three"),
        ]

    def __str__(self) -> str:
        return str(self.participant)
