"""Choices of the reflection domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    VOOR = "voor", _("Voor de stage")
    NA_A = "na_a", _("Na bezoek A")
    NA_B = "na_b", _("Na bezoek B")
    NA_AFLOOP = "na_afloop", _("Na afloop")
    FOLLOW_UP = "follow_up", _("Follow-up")


class QuestionKind(models.TextChoices):
    OPEN = "open", _("Open vraag")
    SCALE = "scale", _("Schaal 1–5")
    SCORE = "score", _("Cijfer 0–10")
    YESNO = "yesno", _("Ja of nee")
    CHOICE = "choice", _("Keuze uit opties")


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Ingeleverd")


class QuestionKey(models.TextChoices):
    """Standard questions that reports look up by key; free questions have no key."""

    LEARNING_GOALS = "learning_goals", _("Leerdoelen")
    PICTURE_OTHER_SIDE = "picture_other_side", _("Beeld van de andere kant")
    ROLE = "role", _("Rol in het bezoek")
    SURPRISED = "surprised", _("Wat verraste mij")
    LEARNED = "learned", _("Wat heb ik geleerd")
    ACTION = "action", _("Concrete actie")
    RECOMMEND = "recommend", _("Aanraden aan een collega")
    QUOTE = "quote", _("Citaat")
    QUOTE_CONSENT = "quote_consent", _("Toestemming voor citaat")
    ACTION_DONE = "action_done", _("Actie uitgevoerd")
    ACTION_EXPLANATION = "action_explanation", _("Toelichting op de actie")


# The options of the standard quote-consent question. Reports compare answers with these
# texts; when a coordinator rewords them, no quote is shown (the safe side).
QUOTE_NAMED = "Ja, met mijn naam"
QUOTE_ANONYMOUS = "Ja, anoniem"
QUOTE_NO = "Nee"
QUOTE_OPTIONS = [QUOTE_NAMED, QUOTE_ANONYMOUS, QUOTE_NO]
ROLE_OPTIONS = ["Gast", "Gastheer of gastvrouw"]

YES = 1
NO = 0
