from django.contrib import admin

from verification.models import Verification


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ["inquiry", "status", "email_verdict", "is_free_mail", "is_disposable",
                    "is_role_account", "attempts", "finished_at"]
    list_filter = ["status", "email_verdict", "is_free_mail", "is_disposable", "is_role_account"]
    search_fields = ["inquiry__email", "inquiry__company_name"]
    readonly_fields = ["evidence"]
    list_select_related = ["inquiry"]
