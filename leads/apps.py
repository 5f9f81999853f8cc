from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LeadsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "leads"
    verbose_name = "Leads"

    def ready(self) -> None:
        # Permissions exist only once every app has migrated, so the role
        # groups are (re)built after migrate; roles_sync is idempotent.
        post_migrate.connect(_sync_roles, dispatch_uid="leads.roles_sync")
        from leads import tasks  # noqa: F401  (registered, so that they can be sent by name)
        from leads.audit import register

        register()


def _sync_roles(sender, app_config=None, **kwargs) -> None:
    if app_config is None or app_config.label != "followup":
        return  # once per migrate, after the last of our apps
    from leads.roles import roles_sync

    roles_sync()
