from django.contrib import admin

from followup.models import (
    Cadence,
    CadenceStep,
    CalendarOverride,
    ChannelRanking,
    FollowUp,
    LibraryFile,
    MailAttachment,
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


@admin.register(LibraryFile)
class LibraryFileAdmin(admin.ModelAdmin):
    """Uploads and deletions go through Settings → Attachments, where the content is
    checked and the stored file goes with its row; here only the labels change."""

    list_display = ["title", "kind", "language", "filename", "size", "active", "uploaded_at"]
    list_filter = ["active", "kind", "language"]
    search_fields = ["title", "filename"]
    readonly_fields = ["file", "filename", "size", "content_type", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MailAttachment)
class MailAttachmentAdmin(admin.ModelAdmin):
    """What each email to a buyer carried (a log: read only)."""

    list_display = ["mail", "filename", "size", "content_type", "file"]
    search_fields = ["filename", "title", "mail__subject", "mail__to_addresses"]
    raw_id_fields = ["mail", "file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
