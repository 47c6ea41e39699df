from django.contrib import admin

from .models import Exchange, ExchangeMember, Forbid, MatchRun, Pin, Preference


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["participant", "online_only", "updated_at"]
    raw_id_fields = ["participant", "wish_1", "wish_2", "wish_3"]
    filter_horizontal = ["avoided"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["id", "cohort", "objective", "status", "progress", "created_at",
                    "published_at"]
    list_filter = ["status", "objective"]
    readonly_fields = ["result", "stats"]


class ExchangeMemberInline(admin.TabularInline):
    model = ExchangeMember
    raw_id_fields = ["participant"]
    extra = 0


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["id", "cohort", "score", "published_at"]
    inlines = [ExchangeMemberInline]


@admin.register(Pin, Forbid)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ["cohort", "a", "b", "created_at"]
    raw_id_fields = ["a", "b"]
