from django.apps import AppConfig


class FollowupConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "followup"
    verbose_name = "Follow-up"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from followup import signals, tasks  # noqa: F401  (receivers; tasks by name)
        from followup.models import ChannelRanking
        from followup.services import rankings_changed

        # The rankings are cached (followup.services.channel_rankings): any save or
        # delete of one row empties the cache; bulk writes call rankings_changed().
        for signal in (post_save, post_delete):
            signal.connect(rankings_changed, sender=ChannelRanking,
                           dispatch_uid=f"followup-rankings-{signal is post_save}")
