"""A read-only view on the outbox with the coordinator actions (hold, release, send now)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutboxMessage
from .services import outbox_hold, outbox_release, outbox_send_now


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "recipient_display", "cohort", "status", "due_at",
                    "next_attempt_at", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "kind", "subject_type", "cohort"]
    search_fields = ["dedupe_key", "recipient__email", "to_email"]
    date_hierarchy = "due_at"
    list_select_related = ["recipient", "cohort"]
    # The payload can hold a login code: never shown.
    fields = ["dedupe_key", "kind", "recipient", "to_email", "cohort", "subject_type",
              "subject_id", "subject_version", "context", "due_at", "next_attempt_at", "status",
              "attempts", "claim_token", "lease_until", "message_id", "sent_at", "last_error",
              "created_at"]
    readonly_fields = fields
    actions = ["hold", "release", "send_now"]

    @admin.display(description=_("ontvanger"))
    def recipient_display(self, obj: OutboxMessage) -> str:
        return obj.recipient.email if obj.recipient_id else obj.to_email

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewing only; changes go through the actions, which call the services.
        return False

    def _apply(self, request, queryset, service, done: str) -> None:
        count = sum(service(message_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext(done, done, count) % {"count": count},
                          messages.SUCCESS)

    @admin.action(description=_("Aanhouden"), permissions=["view"])
    def hold(self, request, queryset):
        self._apply(request, queryset, outbox_hold, "%(count)d bericht(en) aangehouden.")

    @admin.action(description=_("Vrijgeven"), permissions=["view"])
    def release(self, request, queryset):
        self._apply(request, queryset, outbox_release, "%(count)d bericht(en) vrijgegeven.")

    @admin.action(description=_("Nu versturen"), permissions=["view"])
    def send_now(self, request, queryset):
        self._apply(request, queryset, outbox_send_now,
                    "%(count)d bericht(en) worden zo verstuurd.")
