from django.contrib import admin

from .models import Attendance, Meeting, MeetingMaterial, ReminderRule


class MaterialInline(admin.TabularInline):
    model = MeetingMaterial
    extra = 0
    readonly_fields = ["size", "uploaded_by", "uploaded_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    # Changes go through the site (services replan reminders); the admin only reads.
    list_display = ["title", "cohort", "kind", "starts_at", "status", "sequence"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "cohort__name"]
    readonly_fields = ["sequence", "status", "starts_at", "ends_at"]
    inlines = [MaterialInline]


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["cohort", "days_before"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "participant", "recorded_at"]
    raw_id_fields = ["meeting", "participant"]
