from django.contrib import admin

from followup.models import CalendarOverride, ChannelRanking, Vacation


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
