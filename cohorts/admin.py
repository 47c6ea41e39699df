from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Cohort, Invitation, Organisation, Participant


class OrganisationAdminForm(forms.ModelForm):
    """The admin's form refuses a name that differs from another only in case or spacing
    (the database would refuse it with a server error)."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "domains", "place", "confirmed", "proposed_by"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        duplicate = services.organisation_find_duplicate(name=name, exclude_pk=self.instance.pk)
        if duplicate:
            raise ValidationError(services.duplicate_name_message(duplicate))
        return name


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm

    def save_model(self, request, obj, form, change):
        old_key = Organisation.objects.get(pk=obj.pk).normalised_name if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if old_key and obj.normalised_name != old_key:
                services.organisation_rename_in_invitations(old_key=old_key, name=obj.name)
    list_display = ["name", "kind", "region", "place", "confirmed"]
    list_filter = ["confirmed", "kind", "region"]
    search_fields = ["name", "place"]
    actions = ["confirm", "merge_into_first"]

    @admin.action(description=_("Bevestigen"))
    def confirm(self, request, queryset):
        for organisation in queryset.filter(confirmed=False):
            services.organisation_confirm(organisation=organisation)

    @admin.action(description=_("Samenvoegen met de oudste geselecteerde organisatie"))
    def merge_into_first(self, request, queryset):
        organisations = list(queryset.order_by("created_at"))
        if len(organisations) < 2:
            self.message_user(request, _("Kies minstens twee organisaties."), messages.WARNING)
            return
        target, *duplicates = organisations
        try:
            with transaction.atomic():  # all or none
                for duplicate in duplicates:
                    services.organisation_merge(duplicate=duplicate, into=target,
                                                by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, _("Samengevoegd in %(name)s.") % {"name": target.name})


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["user", "organisation", "job_title", "status"]
    raw_id_fields = ["user", "organisation"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "week_a_start", "week_b_start", "max_size"]
    list_filter = ["stage", "format"]
    search_fields = ["name"]
    filter_horizontal = ["coordinators"]
    readonly_fields = ["stage", "join_token"]
    inlines = [ParticipantInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "status", "expires_at", "send_count"]
    list_filter = ["status", "cohort"]
    search_fields = ["email", "name"]
    readonly_fields = ["token", "accepted_by", "accepted_at"]
