from django.conf import settings
from django.db import models
from django.utils import timezone
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


class CalendarOverride(models.Model):
    """An admin's correction to a country's calendar, or the team's own shutdown days.

    For years the ``holidays`` package has not announced yet, local decrees,
    or a factory shutdown: a day off (holiday) or a working day.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    country = models.CharField(
        _("country"), max_length=2, blank=True,
        help_text=_("ISO code; empty = our own team (e.g. a company shutdown)."),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        ordering = ["country", "date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        constraints = [
            models.UniqueConstraint(fields=["country", "date"], name="one_override_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.country or 'team'} {self.date}: {self.get_kind_display()}"


class Vacation(models.Model):
    """Days a buyer is away (an out-of-office reply, a trade fair): no follow-up lands."""

    company = models.ForeignKey("leads.Company", models.CASCADE, related_name="vacations")
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("vacation")
        verbose_name_plural = _("vacations")
        constraints = [
            models.CheckConstraint(condition=models.Q(last_day__gte=models.F("first_day")),
                                   name="vacation_ends_after_it_starts"),
        ]
        indexes = [models.Index(fields=["company", "last_day"])]

    def __str__(self) -> str:
        return f"{self.company} away {self.first_day}–{self.last_day}"
