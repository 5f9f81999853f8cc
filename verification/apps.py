from django.apps import AppConfig


class VerificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verification"
    verbose_name = "Verification"

    def ready(self):
        from verification import signals  # noqa: F401
