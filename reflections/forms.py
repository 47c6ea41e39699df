"""Validation of what participants and coordinators type."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.forms import CrispyMixin

from .enums import QuestionKind
from .models import MAX_TEXT, Assignment, Question, SparringOptIn

RANGES = {QuestionKind.SCALE: (1, 5), QuestionKind.SCORE: (0, 10)}
YESNO_CHOICES = [("ja", _("Ja")), ("nee", _("Nee"))]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _field_name(question: Question) -> str:
    return f"vraag_{question.pk}"


class LongTextField(forms.CharField):
    """A text without a maxlength attribute, so the browser never cuts off pasted text; too
    long a text gets a clear message and stays in the box."""

    def validate(self, value):
        super().validate(value)
        if value and len(value) > MAX_TEXT:
            raise forms.ValidationError(
                _("Uw tekst is %(length)d tekens lang; er passen er %(max)d. "
                  "Maak hem wat korter."), params={"length": len(value), "max": MAX_TEXT})


class ResponseForm(CrispyMixin, forms.Form):
    """One field per question. Required questions are enforced only on submit, so a
    half-written draft can always be saved."""

    shared_with_partner = forms.BooleanField(
        label=_("Deel deze reflectie met mijn stagepartner"), required=False)

    def __init__(self, *args, questions, submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        fields = {}
        for question in self.questions:
            fields[_field_name(question)] = self._field_for(question, submit)
        fields["shared_with_partner"] = self.fields.pop("shared_with_partner")
        self.fields = fields

    @staticmethod
    def _field_for(question: Question, submit: bool) -> forms.Field:
        required = submit and question.required
        common = {"label": question.text, "help_text": question.help_text, "required": required,
                  "error_messages": {"required": _("Vul deze vraag in om in te leveren.")}}
        if question.kind in RANGES:
            low, high = RANGES[question.kind]
            message = _("Kies een getal van %(low)d tot en met %(high)d.") % {
                "low": low, "high": high}
            common["error_messages"].update(
                {"invalid": message, "min_value": message, "max_value": message})
            return forms.IntegerField(widget=forms.NumberInput(attrs={"min": low, "max": high}),
                                      min_value=low, max_value=high, **common)
        if question.kind == QuestionKind.YESNO:
            return forms.ChoiceField(choices=YESNO_CHOICES, widget=forms.RadioSelect,
                                     **common)
        if question.kind == QuestionKind.CHOICE:
            choices = [(option, option) for option in question.options]
            common["error_messages"]["invalid_choice"] = _("Kies een van de opties.")
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return LongTextField(widget=forms.Textarea(attrs={"rows": 4}), strip=True, **common)

    def values(self, *, only_valid: bool = False) -> dict[int, tuple[str, int | None]]:
        """question id → (text, number) of the cleaned fields (for autosave: the valid ones)."""
        data = self.cleaned_data
        result = {}
        for question in self.questions:
            name = _field_name(question)
            if name not in data:
                continue
            value = data[name]
            if question.kind in RANGES:
                result[question.pk] = ("", value)
            elif question.kind == QuestionKind.YESNO:
                result[question.pk] = ("", {"ja": 1, "nee": 0}.get(value))
            else:
                result[question.pk] = (value or "", None)
        return result

    @staticmethod
    def initial_for(response, questions) -> dict:
        if response is None:
            return {}
        initial: dict = {"shared_with_partner": response.shared_with_partner}
        kinds = {q.pk: q.kind for q in questions}
        for answer in response.answers.all():
            kind = kinds.get(answer.question_id)
            name = f"vraag_{answer.question_id}"
            if kind == QuestionKind.YESNO and answer.value_number is not None:
                initial[name] = "ja" if answer.value_number else "nee"
            elif kind in RANGES:
                initial[name] = answer.value_number
            else:
                initial[name] = answer.value_text
        return initial


class AssignmentForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["phase", "title", "instructions", "opens_at", "due_at"]
        widgets = {"opens_at": DateTimeInput(), "due_at": DateTimeInput(),
                   "instructions": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("due_at") and data["due_at"] <= data["opens_at"]:
            self.add_error("due_at", _("De inleverdatum moet na de openingsdatum liggen."))
        return data


class QuestionForm(CrispyMixin, forms.ModelForm):
    options_text = forms.CharField(
        label=_("Opties (één per regel)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen bij een keuzevraag."))

    class Meta:
        model = Question
        fields = ["order", "kind", "text", "help_text", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["options_text"].initial = "\n".join(self.instance.options)

    def clean(self):
        data = super().clean()
        options = [line.strip() for line in data.get("options_text", "").splitlines()
                   if line.strip()]
        if data.get("kind") == QuestionKind.CHOICE and len(options) < 2:
            self.add_error("options_text", _("Geef minstens twee opties."))
        self.instance.options = options if data.get("kind") == QuestionKind.CHOICE else []
        return data


class SparringForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = SparringOptIn
        fields = ["note"]
