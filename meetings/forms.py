"""Validation of what coordinators enter about meetings."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Meeting

MAX_UPLOAD = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# Extension → accepted first bytes (None: text, checked separately).
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".pptx": (ZIP,),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".txt": None,
}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(label=_("Link voor online meedoen"), required=False,
                                max_length=500, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = ["kind", "title", "starts_at", "ends_at", "online_url", "address",
                  "description", "materials_text"]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "materials_text": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "starts_at": _("Nederlandse tijd."),
            "materials_text": _("Bijvoorbeeld een oefening of een casus. Bestanden kunt u "
                                "daarna toevoegen."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        # Link or address may follow later (the standard meetings start without one); the
        # meeting page says "volgt nog" until then.
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("De bijeenkomst moet eindigen na het begin."))
        return data


class MaterialForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("PDF, Word, Excel, PowerPoint, PNG, JPG of tekst; hoogstens 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = PurePath(upload.name).suffix.lower()
        if extension not in ALLOWED_TYPES:
            raise forms.ValidationError(
                _("Dit soort bestand kan niet. Kies PDF, Word, Excel, PowerPoint, PNG, JPG of "
                  "tekst."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Het bestand is groter dan 10 MB."))
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        signatures = ALLOWED_TYPES[extension]
        if signatures is None:
            if b"\x00" in head:
                raise forms.ValidationError(_("Dit is geen tekstbestand."))
        elif not head.startswith(signatures):
            raise forms.ValidationError(
                _("De inhoud van het bestand past niet bij de naam (%(ext)s).")
                % {"ext": extension})
        return upload


class ReminderRulesForm(forms.Form):
    days = forms.CharField(
        label=_("Herinneren, aantal dagen vooraf"), max_length=50,
        help_text=_("Gescheiden door komma's, bijvoorbeeld: 7, 1. Een herinnering gaat op "
                    "dezelfde klokkentijd als de bijeenkomst."),
    )

    def clean_days(self):
        raw = self.cleaned_data["days"].replace(";", ",")
        try:
            days = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
        except ValueError:
            raise forms.ValidationError(
                _("Vul hele getallen in, gescheiden door komma's.")) from None
        if not days or any(d < 1 or d > 60 for d in days):
            raise forms.ValidationError(_("Kies getallen van 1 tot en met 60."))
        return days


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Aanwezig"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(p.pk), p.user.name or p.user.email) for p in participants]

    def clean_present(self):
        return [int(pk) for pk in self.cleaned_data["present"]]
