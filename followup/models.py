from django.db import models
from django.utils.translation import gettext_lazy as _

from leads.models import ChannelKind


class ChannelRanking(models.Model):
    """Which messaging channels buyers in a country use, most used first.

    Shipped with the ranking from the sales playbook; admins edit it. Used to
    suggest the next channel when email goes unanswered.
    """

    country = models.CharField(_("country"), max_length=2)
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 = most used"))

    class Meta:
        ordering = ["country", "rank"]
        verbose_name = _("channel ranking")
        verbose_name_plural = _("channel rankings")
        constraints = [
            models.UniqueConstraint(fields=["country", "channel"], name="ranking_channel_once"),
            models.UniqueConstraint(fields=["country", "rank"], name="ranking_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.country} #{self.rank}: {self.get_channel_display()}"
