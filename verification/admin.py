from django.contrib import admin

from verification.models import Industry, Keyword, MailList, Verification


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ["inquiry", "status", "grade", "score", "email_status", "website_status",
                    "fit", "attempts", "verified_at"]
    list_filter = ["status", "grade", "email_status", "website_status"]
    search_fields = ["inquiry__email", "inquiry__company_name"]
    readonly_fields = ["evidence", "reasons", "fit_matches", "email_flags"]
    list_select_related = ["inquiry"]


@admin.register(MailList)
class MailListAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value"]


class KeywordInline(admin.TabularInline):
    model = Keyword
    fields = ["term", "language", "weight"]
    extra = 1


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "weight", "active"]
    inlines = [KeywordInline]


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    list_display = ["term", "industry", "language", "weight", "negative"]
    list_filter = ["negative", "language", "industry"]
    search_fields = ["term"]
