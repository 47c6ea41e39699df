from django.contrib import admin

from .models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user_email", "cohort", "format", "subject"]
    list_filter = ["format", "subject"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
