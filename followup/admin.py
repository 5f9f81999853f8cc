from django.contrib import admin

from followup.models import (
    Cadence,
    CadenceStep,
    CalendarOverride,
    ChannelRanking,
    FollowUp,
    Reminder,
    Vacation,
)


@admin.register(ChannelRanking)
class ChannelRankingAdmin(admin.ModelAdmin):
    list_display = ["country", "rank", "channel"]
    list_filter = ["country", "channel"]
    ordering = ["country", "rank"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "country", "kind", "name"]
    list_filter = ["kind", "country"]
    date_hierarchy = "date"
    search_fields = ["name", "country"]


@admin.register(Vacation)
class VacationAdmin(admin.ModelAdmin):
    list_display = ["company", "first_day", "last_day", "note", "created_by"]
    raw_id_fields = ["company"]
    date_hierarchy = "first_day"


class CadenceStepInline(admin.StackedInline):
    model = CadenceStep
    extra = 0


@admin.register(Cadence)
class CadenceAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "active"]
    inlines = [CadenceStepInline]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["company", "step", "due_at", "time_zone", "channel", "status"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["company"]
    date_hierarchy = "due_at"


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["followup", "user", "remind_at", "done_at"]
    list_filter = ["user"]
    raw_id_fields = ["followup"]
