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


class Cadence(models.Model):
    """A sequence of follow-up steps; the default one starts at a company's first contact."""

    name = models.CharField(_("name"), max_length=120)
    is_default = models.BooleanField(_("default"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cadence")
        verbose_name_plural = _("cadences")
        constraints = [models.UniqueConstraint(fields=["is_default"],
                                               condition=models.Q(is_default=True),
                                               name="one_default_cadence")]

    def __str__(self) -> str:
        return self.name


class CadenceStep(models.Model):
    AUTO = "auto"

    cadence = models.ForeignKey(Cadence, models.CASCADE, related_name="steps")
    offset_days = models.PositiveSmallIntegerField(
        _("business days after the first contact"),
        help_text=_("Counted in the buyer's working days. A delayed step moves the later "
                    "ones with it."),
    )
    channel = models.CharField(
        _("channel"), max_length=20, default=AUTO,
        help_text=_("auto: email while it works, else the buyer country's most used channel "
                    "the company has on file."),
    )
    template = models.TextField(
        _("message"),
        help_text=_("Placeholders: {buyer}, {company}, {product}, {rep}, {offer}, "
                    "{offer_until}."),
    )
    offer = models.CharField(_("limited-time offer"), max_length=300, blank=True)
    offer_days = models.PositiveSmallIntegerField(_("offer valid for (days)"), default=7)

    class Meta:
        ordering = ["cadence", "offset_days"]
        verbose_name = _("cadence step")
        verbose_name_plural = _("cadence steps")
        constraints = [models.UniqueConstraint(fields=["cadence", "offset_days"],
                                               name="one_step_per_offset")]

    def __str__(self) -> str:
        return f"{self.cadence}: day {self.offset_days}"


class FollowUp(models.Model):
    """One scheduled step for one company: a UTC instant and the buyer's zone."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    company = models.ForeignKey("leads.Company", models.CASCADE, related_name="followups")
    step = models.ForeignKey(CadenceStep, models.PROTECT, related_name="followups")
    due_at = models.DateTimeField(_("due (UTC)"), db_index=True)
    time_zone = models.CharField(_("buyer's time zone"), max_length=64)
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SCHEDULED)
    note = models.CharField(_("why this moment"), max_length=500, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The email sent for this step (its bounce and its replies are counted per step).
    mail = models.ForeignKey("leads.MailMessage", models.SET_NULL, null=True, blank=True,
                             related_name="followups", verbose_name=_("email sent"))

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            # At most one open step per company: the next one is planned when it is done.
            models.UniqueConstraint(fields=["company"], condition=models.Q(status="scheduled"),
                                    name="one_open_followup_per_company"),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.step} at {self.due_at:%Y-%m-%d %H:%M} UTC"


class Reminder(models.Model):
    """A due follow-up shown to its rep; created exactly once per follow-up."""

    followup = models.OneToOneField(FollowUp, models.CASCADE, related_name="reminder")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="reminders")
    remind_at = models.DateTimeField(_("remind at"), db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["remind_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["user", "done_at", "remind_at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.followup}"


def library_upload_to(instance, filename: str) -> str:
    """A random stored name (the buyer sees ``LibraryFile.filename``): no upload chooses
    a path, and two files with one name do not collide."""
    import uuid

    suffix = filename.rpartition(".")[2].lower() if "." in filename else "bin"
    return f"attachments/{uuid.uuid4().hex}.{suffix[:10]}"


class LibraryFile(models.Model):
    """A file the team sends buyers with follow-up emails: a catalogue, a price list, a
    certificate, in the buyer's language or any. Admins keep the library
    (``followup.attachments`` decides what a file may be); stored under ``MEDIA_ROOT``
    and never served without a login."""

    class Kind(models.TextChoices):
        CATALOGUE = "catalogue", _("Catalogue")
        PRICE_LIST = "price_list", _("Price list")
        CERTIFICATE = "certificate", _("Certificate")
        OTHER = "other", _("Other")

    class Language(models.TextChoices):
        ANY = "any", _("Any language")
        EN = "en", _("English")
        ES = "es", _("Spanish")
        PT = "pt", _("Portuguese")
        FR = "fr", _("French")
        DE = "de", _("German")
        IT = "it", _("Italian")
        RU = "ru", _("Russian")
        AR = "ar", _("Arabic")
        TR = "tr", _("Turkish")
        PL = "pl", _("Polish")
        NL = "nl", _("Dutch")
        VI = "vi", _("Vietnamese")
        ID = "id", _("Indonesian")
        TH = "th", _("Thai")
        JA = "ja", _("Japanese")
        KO = "ko", _("Korean")
        ZH_HANS = "zh-hans", _("Chinese (simplified)")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices,
                                default=Language.ANY)
    file = models.FileField(_("file"), upload_to=library_upload_to, max_length=300)
    filename = models.CharField(_("file name"), max_length=200,
                                help_text=_("The name the buyer sees."))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    active = models.BooleanField(_("offered to reps"), default=True)

    class Meta:
        ordering = ["kind", "language", "title"]
        verbose_name = _("library file")
        verbose_name_plural = _("library files")
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="library_file_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.filename})"


class MailAttachment(models.Model):
    """A library file that went (or goes) with one email to a buyer: what was attached,
    as it was then (name, size, type), also after the file left the library."""

    mail = models.ForeignKey("leads.MailMessage", models.CASCADE,
                             related_name="library_attachments", verbose_name=_("email"))
    file = models.ForeignKey(LibraryFile, models.SET_NULL, null=True, blank=True,
                             related_name="sent_with", verbose_name=_("library file"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)

    class Meta:
        ordering = ["mail", "position"]
        verbose_name = _("email attachment")
        verbose_name_plural = _("email attachments")
        constraints = [
            models.UniqueConstraint(fields=["mail", "file"], name="library_file_once_per_mail"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} with {self.mail_id}"
