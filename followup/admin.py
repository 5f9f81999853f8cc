from django.contrib import admin

from followup.models import ChannelRanking


@admin.register(ChannelRanking)
class ChannelRankingAdmin(admin.ModelAdmin):
    list_display = ["country", "rank", "channel"]
    list_filter = ["country", "channel"]
    ordering = ["country", "rank"]
