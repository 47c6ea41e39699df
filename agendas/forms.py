"""Validation of what partners type; the services check the domain rules again."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .enums import ItemKind, VisitMode
from .services import visit_allowed_days


class VisitForm(forms.Form):
    days = forms.TypedMultipleChoiceField(
        label=_("Dagen van het bezoek"), required=False, widget=forms.CheckboxSelectMultiple,
        coerce=date.fromisoformat,
    )
    mode = forms.ChoiceField(label=_("Vorm"), choices=VisitMode.choices,
                             widget=forms.RadioSelect)
    address = forms.CharField(label=_("Adres"), max_length=300, required=False)
    meeting_link = forms.URLField(label=_("Link voor online deelname"), max_length=500,
                                  required=False, assume_scheme="https")

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [
            (day.isoformat(), date_format(day, "l j F Y")) for day in visit_allowed_days(visit)
        ]
        self.fields["days"].help_text = _("Kies hoogstens %(n)s dagen.") % {
            "n": visit.exchange.cohort.days_per_visit}

    def clean(self):
        data = super().clean()
        if data.get("mode") == VisitMode.ONLINE and not data.get("meeting_link"):
            self.add_error("meeting_link", _("Vul de link in voor een online bezoek."))
        return data


class AgendaItemForm(forms.Form):
    # Browsers' date/time inputs only read ISO values, whatever the page language.
    day = forms.DateField(label=_("Dag"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("Begintijd"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Eindtijd"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))
    title = forms.CharField(label=_("Titel"), max_length=200)
    kind = forms.ChoiceField(label=_("Soort"), choices=ItemKind.choices,
                             initial=ItemKind.ANDERS)
    description = forms.CharField(label=_("Omschrijving"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    place = forms.CharField(label=_("Plaats of link"), max_length=300, required=False)
    meets = forms.CharField(label=_("Wie de gast ontmoet"), max_length=300, required=False)
    involves_clients = forms.BooleanField(label=_("Met cliënten of inwoners"), required=False)
    consent_arranged = forms.BooleanField(label=_("Toestemming is geregeld"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("De eindtijd moet na de begintijd liggen."))
        return data

    def item_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Opmerking"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
