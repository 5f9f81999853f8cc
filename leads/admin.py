from django.contrib import admin

from leads.models import (
    Activity,
    AssignmentRule,
    Company,
    CompanyKey,
    ContactChannel,
    ImportBatch,
    Inquiry,
    Person,
    Profile,
    Tag,
    TeamSettings,
)


class InquiryInline(admin.TabularInline):
    model = Inquiry
    extra = 0
    fields = ["received_at", "platform", "buyer_name", "email", "product"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


class ChannelInline(admin.TabularInline):
    model = ContactChannel
    extra = 0
    autocomplete_fields = ["person"]


class KeyInline(admin.TabularInline):
    model = CompanyKey
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "domain", "owner", "status", "segment", "grade",
                    "last_received_at"]
    list_filter = ["status", "segment", "grade", "assigned_via", "country"]
    readonly_fields = ["inquiry_count", "last_received_at", "platform", "verified_grade",
                       "score", "email_status", "website_status", "fit",
                       "verification_pending", "last_contact_at", "last_reply_at"]
    search_fields = ["name", "domain", "keys__key"]
    autocomplete_fields = ["owner", "tags"]
    inlines = [ChannelInline, KeyInline, InquiryInline]
    date_hierarchy = "created_at"


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["received_at", "platform", "company_name", "buyer_name", "country", "email"]
    list_filter = ["platform", "country"]
    search_fields = ["company_name", "buyer_name", "email", "platform_ref", "message"]
    autocomplete_fields = ["company"]
    readonly_fields = ["dedup_key", "raw", "batch", "created_at"]
    date_hierarchy = "received_at"
    list_select_related = ["company"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "company"]
    search_fields = ["name", "company__name"]
    autocomplete_fields = ["company"]


@admin.register(ContactChannel)
class ContactChannelAdmin(admin.ModelAdmin):
    list_display = ["company", "kind", "value", "person", "is_emergency"]
    list_filter = ["kind", "is_emergency"]
    search_fields = ["value", "company__name"]
    autocomplete_fields = ["company", "person"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "company", "kind", "channel", "outcome", "author"]
    list_filter = ["kind", "channel", "outcome"]
    search_fields = ["company__name", "body"]
    autocomplete_fields = ["company", "inquiry"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "filename", "preset", "imported_count",
                    "duplicate_count", "rejected_count", "created_by"]
    list_filter = ["source", "preset"]
    readonly_fields = ["rejected_rows"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(CompanyKey)
class CompanyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "company"]
    search_fields = ["key", "company__name"]
    autocomplete_fields = ["company"]


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "values", "rep", "priority", "active"]
    list_editable = ["priority", "active"]
    list_filter = ["kind", "active", "rep"]


@admin.register(TeamSettings)
class TeamSettingsAdmin(admin.ModelAdmin):
    """One row; opening the list goes straight to it."""

    list_display = ["__str__", "round_robin", "daily_cap", "pool_cap", "pool_return_days"]

    def has_add_permission(self, request):
        return not TeamSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
