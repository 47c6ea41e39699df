from django.contrib import admin

from .models import Assignment, Question, Response, SparringOptIn


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "phase", "opens_at", "due_at"]
    list_filter = ["phase"]
    inlines = [QuestionInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["assignment", "participant", "status", "submitted_at"]
    list_filter = ["status"]
    raw_id_fields = ["participant"]


@admin.register(SparringOptIn)
class SparringOptInAdmin(admin.ModelAdmin):
    list_display = ["participant", "created_at"]
    raw_id_fields = ["participant"]
