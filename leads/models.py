from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    ALIBABA = "alibaba", "Alibaba.com"
    MADE_IN_CHINA = "made-in-china", "Made-in-China.com"
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    API = "api", _("API")
    OTHER = "other", _("Other")


class CompanyStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    AWAITING_REPLY = "awaiting_reply", _("Awaiting reply")
    REPLIED = "replied", _("Replied")
    QUOTING = "quoting", _("Quoting")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    FAKE = "fake", _("Fake")


class Segment(models.TextChoices):
    NONE = "", _("Not set")
    CURRENT = "current", _("Current customer")
    FAVOURITE = "favourite", _("Favourite customer")
    EXISTING = "existing", _("Existing customer")


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", "WhatsApp"
    WECHAT = "wechat", "WeChat"
    FACEBOOK = "facebook", "Facebook / Messenger"
    INSTAGRAM = "instagram", "Instagram"
    TWITTER = "twitter", "Twitter / X"
    LINKEDIN = "linkedin", "LinkedIn"
    SKYPE = "skype", "Skype"
    TELEGRAM = "telegram", "Telegram"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    SNAPCHAT = "snapchat", "Snapchat"
    DISCORD = "discord", "Discord"
    APPLE_MESSAGES = "apple_messages", "Apple Messages"
    GOOGLE_HANGOUTS = "google_hangouts", "Google Hangouts"
    OTHER = "other", _("Other")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One file (or API call) worth of inquiries, with what was rejected and why."""

    class Source(models.TextChoices):
        FILE = "file", _("File")
        UPLOAD = "upload", _("Browser upload")
        DEMO = "demo", _("Demo data")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=30, blank=True)
    preset = models.CharField(_("column preset"), max_length=20, blank=True)
    encoding = models.CharField(_("encoding"), max_length=30, blank=True)
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    # [{"row": 7, "reason": "...", "raw": {...}}]: the rows are kept so nothing is lost.
    rejected_rows = models.JSONField(_("rejected rows"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.filename or self.get_source_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class Company(models.Model):
    """The lead: one buyer organisation, grouping its inquiries."""

    name = models.CharField(_("name"), max_length=255)
    domain = models.CharField(_("email domain"), max_length=255, blank=True, db_index=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    website = models.CharField(_("website"), max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="companies",
        verbose_name=_("owner"),
        help_text=_("Empty: the company is in the public pool."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CompanyStatus.choices, default=CompanyStatus.NEW
    )
    segment = models.CharField(
        _("segment"), max_length=20, choices=Segment.choices, default=Segment.NONE, blank=True
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="companies")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("leads:company", args=[self.pk])


class CompanyKey(models.Model):
    """How incoming inquiries find their company.

    ``domain:acme.com`` for company domains, ``email:bob@gmail.com`` for
    free-mail addresses, ``phone:+4915...`` when there is no email. Merging
    moves the keys, so later inquiries of the merged company land there too.
    """

    key = models.CharField(max_length=320, unique=True)
    company = models.ForeignKey(Company, models.CASCADE, related_name="keys")

    class Meta:
        verbose_name = _("company key")
        verbose_name_plural = _("company keys")

    def __str__(self) -> str:
        return self.key


class Person(models.Model):
    company = models.ForeignKey(Company, models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=255)
    title = models.CharField(_("job title"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="person_unique_per_company")
        ]

    def __str__(self) -> str:
        return self.name


class ContactChannel(models.Model):
    company = models.ForeignKey(Company, models.CASCADE, related_name="channels")
    person = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="channels"
    )
    kind = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    value = models.CharField(_("address / handle / number"), max_length=320)
    is_emergency = models.BooleanField(
        _("emergency contact"),
        default=False,
        help_text=_("Who to reach when it is urgent, e.g. goods waiting at the port."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_emergency", "kind", "value"]
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "value"], name="channel_unique_per_company"
            ),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(is_emergency=True),
                name="one_emergency_channel_per_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class Inquiry(models.Model):
    """One inbound message, as received."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="inquiries")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    platform_ref = models.CharField(_("platform reference"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    buyer_name = models.CharField(_("buyer"), max_length=255, blank=True)
    company_name = models.CharField(_("company name"), max_length=255, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, db_index=True)
    email = models.CharField(_("email"), max_length=320, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    whatsapp = models.CharField("WhatsApp", max_length=50, blank=True)
    website = models.CharField(_("website"), max_length=500, blank=True)
    product = models.CharField(_("product"), max_length=500, blank=True)
    quantity = models.CharField(_("quantity"), max_length=100, blank=True)
    message = models.TextField(_("message"), blank=True)
    raw = models.JSONField(_("raw row"), default=dict, blank=True)
    batch = models.ForeignKey(
        ImportBatch, models.SET_NULL, null=True, blank=True, related_name="inquiries"
    )
    # "ref:<platform>:<id>" or "fp:<sha256 of email, received_at, message>".
    dedup_key = models.CharField(max_length=120, unique=True, editable=False)
    created_at = models.DateTimeField(_("stored"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        indexes = [models.Index(fields=["company", "-received_at"])]

    def __str__(self) -> str:
        who = self.company_name or self.buyer_name or self.email or f"#{self.pk}"
        return f"{who} ({self.get_platform_display()}, {self.received_at:%Y-%m-%d})"


class Activity(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        STATUS_CHANGE = "status_change", _("Status change")
        CONTACT_ATTEMPT = "contact_attempt", _("Contact attempt")
        REPLY = "reply", _("Reply received")
        ASSIGNMENT = "assignment", _("Assignment")
        MERGE = "merge", _("Merge / split")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        NO_ANSWER = "no_answer", _("No answer")
        BOUNCED = "bounced", _("Bounced")
        CONNECTED = "connected", _("Connected")
        WRONG_CONTACT = "wrong_contact", _("Wrong contact")

    company = models.ForeignKey(Company, models.CASCADE, related_name="activities")
    inquiry = models.ForeignKey(
        Inquiry, models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    from_status = models.CharField(max_length=20, choices=CompanyStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CompanyStatus.choices, blank=True)
    body = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["company", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.company} at {self.created_at:%Y-%m-%d %H:%M}"
