"""Reflection assignments, their questions, participants' responses and answers, and the
alumni's opt-in to stay reachable for sparring."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort

from .enums import Phase, QuestionKind, ResponseStatus

MAX_TEXT = 4000


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(cohort__in=Cohort.objects.visible_to(user))

    def managed_by(self, user):
        return self.filter(cohort__in=Cohort.objects.managed_by(user))


class Assignment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    phase = models.CharField(_("moment"), max_length=20, choices=Phase.choices)
    title = models.CharField(_("titel"), max_length=200)
    instructions = models.TextField(_("uitleg"), blank=True, max_length=4000)
    opens_at = models.DateTimeField(_("open vanaf"))
    due_at = models.DateTimeField(_("inleveren uiterlijk"))
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reflectieopdracht")
        verbose_name_plural = _("reflectieopdrachten")
        ordering = ["cohort", "order", "opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gt=models.F("opens_at")),
                                   name="assignment_due_after_opens"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now <= self.due_at

    def is_past_due(self, now=None) -> bool:
        return (now or timezone.now()) > self.due_at


class Question(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE,
                                   related_name="questions")
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    kind = models.CharField(_("soort vraag"), max_length=20, choices=QuestionKind.choices,
                            default=QuestionKind.OPEN)
    text = models.CharField(_("vraag"), max_length=500)
    help_text = models.CharField(_("toelichting"), max_length=500, blank=True)
    options = models.JSONField(_("opties"), default=list, blank=True)
    required = models.BooleanField(_("verplicht"), default=True)
    key = models.CharField(_("sleutel"), max_length=40, blank=True,
                           help_text=_("Voor standaardvragen die in het rapport terugkomen."))

    class Meta:
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        ordering = ["assignment", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=ResponseStatus.SUBMITTED)

    def visible_to(self, user):
        """The author's own (drafts too), the handed-in ones of the cohorts the user
        coordinates, and handed-in ones a partner shared with the user. Never another
        participant's unshared reflection; coordinators never read drafts."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.filter(Q(status=ResponseStatus.SUBMITTED) | Q(participant__user=user))
        from .exchanges import partner_participant_ids

        return self.filter(
            Q(participant__user=user)
            | Q(assignment__cohort__coordinators=user, status=ResponseStatus.SUBMITTED)
            | Q(shared_with_partner=True, status=ResponseStatus.SUBMITTED,
                participant_id__in=partner_participant_ids(user))
        ).distinct()


class Response(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE,
                                   related_name="responses")
    participant = models.ForeignKey("cohorts.Participant", on_delete=models.CASCADE,
                                    related_name="reflection_responses")
    status = models.CharField(_("status"), max_length=20, choices=ResponseStatus.choices,
                              default=ResponseStatus.DRAFT)
    submitted_at = models.DateTimeField(_("ingeleverd op"), null=True, blank=True)
    updated_at = models.DateTimeField(_("laatst bewaard"), auto_now=True)
    shared_with_partner = models.BooleanField(_("delen met mijn partner"), default=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("reflectie")
        verbose_name_plural = _("reflecties")
        ordering = ["assignment", "participant"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "participant"],
                                    name="response_once_per_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} – {self.participant}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value_text = models.TextField(blank=True, max_length=MAX_TEXT)
    value_number = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"],
                                    name="answer_once_per_question"),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        if self.question.kind == QuestionKind.YESNO and self.value_number is not None:
            return str(_("Ja")) if self.value_number else str(_("Nee"))
        if self.value_number is not None:
            return str(self.value_number)
        return self.value_text


class SparringOptIn(models.Model):
    """An alumnus who stays reachable for sparring after the programme."""

    participant = models.OneToOneField("cohorts.Participant", on_delete=models.CASCADE,
                                       related_name="sparring_opt_in")
    note = models.CharField(_("waarover mogen collega's u benaderen?"), max_length=300,
                            blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sparringpartner")
        verbose_name_plural = _("sparringpartners")

    def __str__(self) -> str:
        return str(self.participant)


