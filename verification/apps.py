from django.apps import AppConfig


class VerificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verification"
    verbose_name = "Verification"

    def ready(self):
        from auditlog.registry import auditlog

        from leads.audit import INDUSTRY_FIELDS, KEYWORD_FIELDS
        from verification import signals, tasks  # noqa: F401  (receivers; tasks by name)
        from verification.models import Industry, Keyword

        auditlog.register(Keyword, include_fields=KEYWORD_FIELDS)
        auditlog.register(Industry, include_fields=INDUSTRY_FIELDS)
