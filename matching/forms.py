"""Validation of what people type. Forms check input; services make the change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.enums import Domain, OrganisationKind, Region
from cohorts.forms import CrispyMixin
from cohorts.models import Organisation

from .enums import Objective, Topic, Weekday
from .models import Preference
from .selectors import participant_name

KIND_CHOICES = [("", "—")] + list(OrganisationKind.choices)


class PreferenceForm(CrispyMixin, forms.ModelForm):
    kind_1 = forms.ChoiceField(label=_("Soort organisatie die u het liefst bezoekt"),
                               choices=KIND_CHOICES, required=False)
    kind_2 = forms.ChoiceField(label=_("Tweede keus"), choices=KIND_CHOICES, required=False)
    kind_3 = forms.ChoiceField(label=_("Derde keus"), choices=KIND_CHOICES, required=False)
    interest_domains = forms.MultipleChoiceField(
        label=_("Domeinen die u wilt leren kennen"), choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple, required=False)
    topics = forms.MultipleChoiceField(
        label=_("Thema's die u interesseren"), choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple, required=False)
    regions = forms.MultipleChoiceField(
        label=_("Regio's waar u naartoe kunt reizen"), choices=Region.choices,
        widget=forms.CheckboxSelectMultiple, required=False)
    days_a = forms.MultipleChoiceField(
        label=_("Beschikbare dagen in stageweek A"), choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Niets aangevinkt betekent: de hele week beschikbaar."))
    days_b = forms.MultipleChoiceField(
        label=_("Beschikbare dagen in stageweek B"), choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Niets aangevinkt betekent: de hele week beschikbaar."))

    class Meta:
        model = Preference
        fields = ["online_only", "wish_1", "wish_2", "wish_3", "avoided"]
        labels = {
            "online_only": _("Ik doe alleen online mee (ik reis niet)"),
            "wish_1": _("Wens 1: organisatie die u graag bezoekt"),
            "wish_2": _("Wens 2"),
            "wish_3": _("Wens 3"),
            "avoided": _("Organisaties waar u niet aan gekoppeld wilt worden"),
        }
        widgets = {"avoided": forms.CheckboxSelectMultiple}

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        others = Organisation.objects.confirmed().exclude(pk=participant.organisation_id)
        for name in ("wish_1", "wish_2", "wish_3", "avoided"):
            self.fields[name].queryset = others
        self.fields["avoided"].required = False
        if self.instance.pk:
            for i, kind in enumerate(self.instance.wanted_kinds[:3], start=1):
                self.initial[f"kind_{i}"] = kind
            for name in ("interest_domains", "topics", "regions", "days_a", "days_b"):
                self.initial[name] = getattr(self.instance, name)
        self.order_fields(["kind_1", "kind_2", "kind_3", "interest_domains", "topics",
                           "regions", "online_only", "days_a", "days_b", "wish_1", "wish_2",
                           "wish_3", "avoided"])

    def clean(self):
        data = super().clean()
        kinds = [data.get(f"kind_{i}") for i in (1, 2, 3) if data.get(f"kind_{i}")]
        if len(kinds) != len(set(kinds)):
            self.add_error("kind_2", _("Kies elke soort organisatie maar één keer."))
        wishes = [data.get(f"wish_{i}") for i in (1, 2, 3) if data.get(f"wish_{i}")]
        if len(wishes) != len(set(wishes)):
            self.add_error("wish_2", _("Noem elke organisatie maar één keer."))
        avoided = set(data.get("avoided") or ())
        if avoided & set(wishes):
            self.add_error("avoided", _("Een organisatie kan niet tegelijk een wens zijn en "
                                        "vermeden worden."))
        data["wanted_kinds"] = kinds
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "wanted_kinds": data["wanted_kinds"],
            "interest_domains": data["interest_domains"],
            "topics": data["topics"],
            "regions": data["regions"],
            "online_only": data["online_only"],
            "days_a": data["days_a"],
            "days_b": data["days_b"],
            "wish_1": data.get("wish_1"),
            "wish_2": data.get("wish_2"),
            "wish_3": data.get("wish_3"),
            "avoided": list(data.get("avoided") or ()),
        }


class RunForm(CrispyMixin, forms.Form):
    objective = forms.ChoiceField(label=_("Waar stuurt de matching op?"),
                                  choices=Objective.choices, initial=Objective.MAX_TOTAL,
                                  widget=forms.RadioSelect)
    triads = forms.BooleanField(label=_("Drietallen maken voor wie anders overblijft"),
                                required=False, initial=True)


class PairForm(forms.Form):
    """Two participants of the cohort (pin, forbid, swap, what if)."""

    a = forms.ChoiceField(label=_("Deelnemer"))
    b = forms.ChoiceField(label=_("Met"))

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(p.pk), participant_name(p)) for p in participants]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Kies twee verschillende deelnemers."))
        return data


class _ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{participant_name(obj)} ({obj.organisation.name})"


class WhyNotForm(CrispyMixin, forms.Form):
    """"Waarom niet met ...?": one other participant of the cohort. A GET form: it only
    reads, so the answer has an address of its own."""

    met = _ParticipantChoiceField(
        label=_("Met wie?"), queryset=None, empty_label=_("Kies een deelnemer"),
        error_messages={"required": _("Kies een deelnemer."),
                        "invalid_choice": _("Kies een deelnemer uit de lijst.")})

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["met"].queryset = candidates
