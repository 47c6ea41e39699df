"""Validation of what people type. Forms check input; services make the change."""

from __future__ import annotations

from datetime import timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Domain, OrganisationKind, Pairing, Region
from .importing import MAX_UPLOAD_BYTES
from .models import Cohort, Organisation, Participant
from .services import duplicate_name_message, organisation_find_duplicate


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CrispyMixin:
    """Render through crispy-forms without a <form> tag: templates own the form element."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CohortForm(CrispyMixin, forms.ModelForm):
    allowed_pairings = forms.MultipleChoiceField(
        label=_("Wie mag met wie gekoppeld worden?"), choices=Pairing.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    days_per_visit = forms.TypedChoiceField(
        label=_("Dagen per bezoek"), coerce=int,
        choices=[(n, n) for n in range(1, 5)], initial=2,
    )

    class Meta:
        model = Cohort
        fields = [
            "name", "description", "format", "days_per_visit", "week_a_start", "week_b_start",
            "registration_deadline", "preference_deadline", "allowed_pairings", "allow_triads",
            "max_size", "sender_name",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "week_a_start": DateInput(),
            "week_b_start": DateInput(),
            "registration_deadline": DateInput(),
            "preference_deadline": DateInput(),
        }
        help_texts = {
            "week_a_start": _("De maandag van stageweek A. In week A ontvangt de ene partner, "
                              "in week B de andere."),
            "week_b_start": _("De maandag van stageweek B."),
            "max_size": _("Tussen 2 en 1000."),
        }

    def clean_max_size(self):
        size = self.cleaned_data["max_size"]
        if not 2 <= size <= 1000:
            raise forms.ValidationError(_("Kies een aantal tussen 2 en 1000."))
        return size

    def clean(self):
        data = super().clean()
        week_a, week_b = data.get("week_a_start"), data.get("week_b_start")
        registration, preference = data.get("registration_deadline"), data.get(
            "preference_deadline")
        for name in ("week_a_start", "week_b_start"):
            if data.get(name) and data[name].weekday() != 0:
                self.add_error(name, _("Kies de maandag van die week."))
        if week_a and week_b and week_b < week_a + timedelta(days=7):
            self.add_error("week_b_start", _("Stageweek B moet na stageweek A komen."))
        if registration and preference and preference < registration:
            self.add_error("preference_deadline",
                           _("Voorkeuren opgeven kan pas na het aanmelden: kies dezelfde of een "
                             "latere datum dan de aanmelddatum."))
        if preference and week_a and preference >= week_a:
            self.add_error("preference_deadline",
                           _("Deze datum moet vóór stageweek A liggen, zodat er tijd is om te "
                             "koppelen en te plannen."))
        return data


class InvitationPasteForm(CrispyMixin, forms.Form):
    addresses = forms.CharField(
        label=_("E-mailadressen"), widget=forms.Textarea(attrs={"rows": 5}),
        max_length=200_000,
        help_text=_("Eén of meer adressen, gescheiden door komma's, puntkomma's of enters. "
                    "U mag ook direct uit Outlook plakken."),
    )


class InvitationUploadForm(CrispyMixin, forms.Form):
    file = forms.FileField(
        label=_("Bestand (CSV of Excel)"),
        help_text=_("Met de kolommen naam, e-mail, organisatie en soort. Alleen e-mail is "
                    "verplicht. Maximaal 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 5 MB. Splits het op."))
        return upload


class ProfileForm(CrispyMixin, forms.ModelForm):
    name = forms.CharField(label=_("Uw naam"), max_length=200)
    domains = forms.MultipleChoiceField(
        label=_("Domeinen waarin u werkt"), choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    new_organisation = forms.CharField(
        label=_("Staat uw organisatie er niet bij? Vul hier de naam in"), max_length=200,
        required=False,
    )
    new_organisation_kind = forms.ChoiceField(
        label=_("Soort organisatie"), choices=[("", "—")] + list(OrganisationKind.choices),
        required=False,
    )

    class Meta:
        model = Participant
        fields = ["organisation", "job_title", "region", "domains", "bio", "learning_goals",
                  "can_show"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "learning_goals": forms.Textarea(attrs={"rows": 3}),
            "can_show": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "bio": _("Wie bent u en wat doet u? Uw stagepartner leest dit."),
            "can_show": _("Bijvoorbeeld: een teamoverleg, een keukentafelgesprek, de "
                          "inkoopafdeling."),
        }

    field_order = ["name", "organisation", "new_organisation", "new_organisation_kind",
                   "job_title", "region", "domains", "bio", "learning_goals", "can_show"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.fields["organisation"].queryset = Organisation.objects.selectable_by(user)
        self.fields["organisation"].empty_label = "—"
        self.fields["organisation"].help_text = _(
            "Verplicht: kies uw organisatie, of vul hieronder een nieuwe in.")
        self.fields["organisation"].required = False
        self.fields["job_title"].required = True
        self.fields["region"].choices = [("", "—")] + list(Region.choices)
        self.initial.setdefault("name", user.name)

    def clean(self):
        data = super().clean()
        name = (data.get("new_organisation") or "").strip()
        if name:
            if not data.get("new_organisation_kind"):
                self.add_error("new_organisation_kind",
                               _("Kies wat voor organisatie dit is."))
            duplicate = organisation_find_duplicate(name=name)
            if duplicate and duplicate.confirmed:
                data["organisation"] = duplicate
                data["new_organisation"] = ""
        elif not data.get("organisation"):
            self.add_error("organisation",
                           _("Kies uw organisatie, of vul direct hieronder de naam van een "
                             "nieuwe in."))
        if not data.get("new_organisation"):
            data.pop("new_organisation_kind", None)
        return data



class OrganisationForm(CrispyMixin, forms.Form):
    """Name and kind of an organisation. A plain form, so a refused name never changes the
    organisation on the page before it is saved."""

    name = forms.CharField(label=_("Naam"), max_length=200)
    kind = forms.ChoiceField(label=_("Soort organisatie"),
                             choices=[("", "—")] + list(OrganisationKind.choices))

    def __init__(self, *args, organisation: Organisation, **kwargs):
        kwargs.setdefault("initial", {"name": organisation.name, "kind": organisation.kind})
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Vul een naam in."))
        duplicate = organisation_find_duplicate(name=name, exclude_pk=self.organisation.pk)
        if duplicate:
            raise forms.ValidationError(duplicate_name_message(duplicate))
        return name


class OrganisationMergeForm(CrispyMixin, forms.Form):
    into = forms.ModelChoiceField(
        label=_("Welke organisatie houdt u?"), queryset=Organisation.objects.none(),
        empty_label="—",
        help_text=_("Alle verwijzingen gaan naar deze organisatie. U ziet eerst wat er "
                    "verandert voordat er iets gebeurt."),
    )

    def __init__(self, *args, duplicate: Organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Organisation.objects.merge_targets_for(user, duplicate)
        self.fields["into"].label_from_instance = _target_label


def _target_label(organisation: Organisation) -> str:
    status = _("bevestigd") if organisation.confirmed else _("voorgesteld")
    return f"{organisation.name} ({organisation.get_kind_display()}, {status})"
