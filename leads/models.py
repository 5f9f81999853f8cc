from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leads.fields import FoldedTextField, PhoneKeysField
from leads.regions import subdivision_name
from leads.timezones import BuyerZone, zone_for_country


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


CLOSED_STATUSES = (CompanyStatus.WON, CompanyStatus.LOST, CompanyStatus.FAKE)


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


class AssignedVia(models.TextChoices):
    RULE = "rule", _("Assignment rule")
    SAME_BUYER = "same_buyer", _("Same buyer, same rep")
    ROUND_ROBIN = "round_robin", _("Round robin")
    CLAIM = "claim", _("Claimed from the pool")
    MANUAL = "manual", _("Assigned by hand")


# The vocabulary of a company's headline (its grade and the state of its address and
# website). Verification writes these values; leads shows and filters on them.


class EmailStatus(models.TextChoices):
    UNCHECKED = "", _("Not checked")
    DELIVERABLE = "deliverable", _("Deliverable")
    UNDELIVERABLE = "undeliverable", _("Undeliverable")
    RISKY = "risky", _("Risky")
    UNKNOWN = "unknown", _("Unknown")

class WebsiteStatus(models.TextChoices):
    UNCHECKED = "", _("Not checked")
    REACHABLE = "reachable", _("Reachable")
    UNREACHABLE = "unreachable", _("Unreachable")
    PARKED = "parked", _("Parked domain")
    PLACEHOLDER = "placeholder", _("Placeholder page")
    ERROR = "error", _("HTTP error")
    NONE = "none", _("No website")

class Grade(models.TextChoices):
    A = "A", _("A: genuine and target")
    B = "B", _("B: genuine, fit unclear")
    C = "C", _("C: doubtful or not a target")
    D = "D", _("D: likely fake")


def lead_unanswered() -> models.Q:
    """An A or B inquiry (or a customer's) newer than our last message."""
    return models.Q(last_received_at__isnull=False) & (
        models.Q(last_contact_at__isnull=True)
        | models.Q(last_received_at__gt=models.F("last_contact_at"))
    ) & (models.Q(grade__in=("A", "B")) | ~models.Q(segment=""))


def reply_unanswered() -> models.Q:
    """The buyer's last reply is newer than our last message."""
    return models.Q(last_reply_at__isnull=False) & (
        models.Q(last_contact_at__isnull=True)
        | models.Q(last_reply_at__gt=models.F("last_contact_at")))


def work_first_index() -> models.Index:
    """The index of the inbox's default order (PostgreSQL: SQLite has no NULLS LAST in
    an index)."""
    return models.Index(answer_owed_rank(), models.F("last_received_at").desc(nulls_last=True),
                        models.F("id").desc(), name="company_work_first")


def answer_owed_rank() -> models.Case:
    """The inbox's default order, work before history: 0 an unanswered A or B inquiry,
    1 an unanswered reply, 2 the rest (and companies marked fake or lost). Only the
    company's own columns: on PostgreSQL the index of ``work_first_index`` (migration
    0013) serves the order."""
    open_ = ~models.Q(status__in=("fake", "lost"))
    return models.Case(
        models.When(lead_unanswered() & open_, then=models.Value(0)),
        models.When(reply_unanswered() & open_, then=models.Value(1)),
        default=models.Value(2), output_field=models.IntegerField())


class Company(models.Model):
    """The lead: one buyer organisation, grouping its inquiries.

    The headline fields (grade, score, statuses, last received, ...) repeat
    what the inquiries and their verifications say, so that the inbox filters
    and sorts on indexed columns; ``leads.services.companies_refresh`` keeps
    them true whenever an inquiry arrives, a verification ends, or companies
    are merged or split.
    """

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
    # Assignment: when the owner got it, and how (the rule is named in the text).
    owner_since = models.DateTimeField(_("owner since"), null=True, blank=True)
    assigned_via = models.CharField(
        _("assigned by"), max_length=20, choices=AssignedVia.choices, blank=True
    )
    assigned_note = models.CharField(_("assignment"), max_length=255, blank=True)
    # The buyer's IANA zone and where it came from ("explicit", "phone +1 415…", "country").
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    subdivision = models.CharField(
        _("state / province"), max_length=10, blank=True,
        help_text=_("ISO 3166-2 code without the country, e.g. CA for California: its "
                    "holidays count too."),
    )
    # Where the state came from: "explicit" (a rep), "phone:+49 89" (the area code).
    subdivision_source = models.CharField(_("state from"), max_length=40, blank=True)
    business_hours = models.CharField(
        _("business hours"), max_length=11, blank=True,
        help_text=_("The buyer's window, local time, e.g. 08:00-16:00; empty = the default."),
    )
    time_zone_source = models.CharField(_("time zone from"), max_length=120, blank=True)
    # Headline, kept by companies_refresh().
    inquiry_count = models.PositiveIntegerField(_("inquiries"), default=0)
    last_received_at = models.DateTimeField(_("last received"), null=True, blank=True)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices,
                                blank=True)
    summary = models.CharField(
        _("latest request"), max_length=200, blank=True,
        help_text=_("The product of the latest inquiry, or its first words."),
    )
    grade = models.CharField(
        _("grade"), max_length=1, blank=True,
        help_text=_("The override when there is one, else the verified grade."),
    )
    verified_grade = models.CharField(_("verified grade"), max_length=1, blank=True)
    grade_override = models.CharField(_("grade override"), max_length=1, blank=True)
    grade_override_reason = models.CharField(_("override reason"), max_length=500, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    email_status = models.CharField(_("email"), max_length=20, blank=True)
    website_status = models.CharField(_("website"), max_length=20, blank=True)
    fit = models.PositiveSmallIntegerField(_("fit"), null=True, blank=True)
    verification_pending = models.BooleanField(_("verification pending"), default=False)
    # Contact history, kept by the activity services.
    last_contact_at = models.DateTimeField(_("last contacted"), null=True, blank=True)
    last_reply_at = models.DateTimeField(_("last reply"), null=True, blank=True)
    next_followup_at = models.DateTimeField(_("next follow-up"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The inbox search (leads.search), filled on every save and bulk_create.
    search_text = FoldedTextField(sources=("name", "domain"))

    class Meta:
        ordering = ["-last_received_at", "-id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["-last_received_at", "-id"]),
            models.Index(fields=["owner", "-last_received_at"]),
            models.Index(fields=["grade", "-last_received_at"]),
            models.Index(fields=["country", "-last_received_at"]),
            models.Index(fields=["next_followup_at"]),
            # Merge candidates: the same name in any case (name__iexact).
            models.Index(Upper("name"), name="company_name_upper"),
        ]
        # PostgreSQL only (migration 0005_screen_indexes): the inbox order
        # (last_received_at DESC NULLS LAST, id DESC), and trigram indexes on UPPER(...)
        # of name and domain (icontains); 0006: country, grade and the inbox order, for
        # the inbox filtered by country and grade; 0011: a trigram index on search_text.

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("leads:company", args=[self.pk])

    def buyer_zone(self) -> BuyerZone:
        if self.time_zone:
            return BuyerZone.from_stored(self.time_zone, self.time_zone_source)
        return zone_for_country(self.country)

    def subdivision_described(self) -> str:
        """The buyer's state and where it came from: "Bavaria (BY), from +49 89"."""
        from django.utils.translation import gettext as _

        if not self.subdivision:
            return ""
        state = f"{subdivision_name(self.country, self.subdivision)} ({self.subdivision})"
        source, _sep, detail = self.subdivision_source.partition(":")
        if source == "phone":
            return _("%(state)s, from %(prefix)s") % {"state": state, "prefix": detail}
        return _("%(state)s, set by hand") % {"state": state}

    @property
    def awaiting_reply(self) -> bool:
        return self.last_contact_at is not None and (
            self.last_reply_at is None or self.last_reply_at < self.last_contact_at
        ) and self.status not in CLOSED_STATUSES


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
    # A hard bounce of our mail to this address: the strongest proof it is dead.
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce"), max_length=500, blank=True)
    # The inbox search (leads.search), filled on every save and bulk_create.
    search_text = FoldedTextField(sources=("value",), unless_kinds=("phone", "whatsapp"))
    search_phones = PhoneKeysField(sources=("value",), country="company.country",
                                   kinds=("phone", "whatsapp"))

    class Meta:
        ordering = ["-is_emergency", "kind", "value"]
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")
        # Merge candidates: companies sharing an address or number.
        indexes = [models.Index(fields=["value"], name="channel_value")]
        # PostgreSQL only (migration 0011_search_columns): trigram indexes on search_text
        # and search_phones for the inbox search.
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
    # The inbox search (leads.search), filled on every save and bulk_create.
    search_text = FoldedTextField(
        sources=("buyer_name", "company_name", "email", "platform_ref", "website"))
    search_phones = PhoneKeysField(sources=("phone", "whatsapp"), country="country")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        indexes = [models.Index(fields=["company", "-received_at"])]
        # PostgreSQL only: trigram indexes on UPPER(...) of buyer_name, email,
        # company_name, product and message (migration 0005_screen_indexes; the inbox
        # search reads product and message), and on search_text and search_phones (0011).

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
        SEGMENT = "segment", _("Segment change")
        GRADE_OVERRIDE = "grade_override", _("Grade override")
        VERIFY = "verify", _("Verification requested")

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
        indexes = [
            models.Index(fields=["company", "-created_at"]),
            # Dashboard: first contact attempt / first reply of each company.
            models.Index(fields=["kind", "company", "created_at"], name="activity_kind_company"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.company} at {self.created_at:%Y-%m-%d %H:%M}"


class AssignmentRule(models.Model):
    """Who gets a new company: the first active rule that matches, by priority."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Buyer country or region")
        PRODUCT = "product", _("Product")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    values = models.CharField(
        _("matches"), max_length=1000,
        help_text=_("Comma-separated. Country: ISO codes or region names (e.g. DE, FR, "
                    "Middle East). Product: words found in the product or message "
                    "(e.g. ballast, water treatment)."),
    )
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+",
                            verbose_name=_("rep"))
    priority = models.PositiveSmallIntegerField(_("priority"), default=100,
                                                help_text=_("Lower runs first."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")

    def __str__(self) -> str:
        return self.name

    def terms(self) -> list[str]:
        return [part.strip() for part in self.values.split(",") if part.strip()]


class TeamSettings(models.Model):
    """One row: how new companies are shared out and when they go back to the pool."""

    round_robin = models.BooleanField(
        _("round robin"), default=True,
        help_text=_("Share new companies no rule matched among the reps, in turn. "
                    "Off: they wait in the public pool."),
    )
    daily_cap = models.PositiveSmallIntegerField(
        _("daily cap per rep"), null=True, blank=True,
        help_text=_("Most companies a rep gets by round robin per day; empty = no cap."),
    )
    pool_cap = models.PositiveIntegerField(
        _("most companies a rep may hold"), null=True, blank=True,
        help_text=_("Claiming from the pool stops at this many open companies; empty = no cap."),
    )
    business_hours = models.CharField(
        _("buyers' default business hours"), max_length=11, blank=True,
        help_text=_("Local time, e.g. 09:00-17:00; empty = LEADQUAL_BUSINESS_HOURS."),
    )
    first_response_hours = models.PositiveSmallIntegerField(
        _("first answer within (business hours)"), null=True, blank=True,
        help_text=_("Our business hours a new A or B inquiry may wait for its first answer "
                    "before the work queue marks it late; empty = one business day."),
    )
    pool_return_days = models.PositiveSmallIntegerField(
        _("back to the pool after (days)"), default=30,
        help_text=_("An owned company with no follow-up for this many days returns to "
                    "the public pool; 0 = never."),
    )

    class Meta:
        verbose_name = _("team settings")
        verbose_name_plural = _("team settings")

    def __str__(self) -> str:
        return str(_("Team settings"))

    def save(self, *args, **kwargs):
        from django.core.cache import cache

        super().save(*args, **kwargs)
        cache.delete("leadqual:team-settings")

    @classmethod
    def load(cls) -> "TeamSettings":
        return cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def cached(cls) -> "TeamSettings":
        """The row through the cache (calendars ask for it per company); saving clears it."""
        from django.core.cache import cache

        return cache.get_or_set("leadqual:team-settings", cls.load, 300)



class Profile(models.Model):
    """Per-user preferences."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE,
                                related_name="leadqual_profile")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class Mailbox(models.Model):
    """An IMAP mailbox (sales@, a rep's own) whose new messages become inquiries and
    replies; polled by a periodic task."""

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS (usually port 993)")
        STARTTLS = "starttls", _("STARTTLS (usually port 143)")
        NONE = "none", _("None (a server on this machine only)")

    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=10, choices=Security.choices,
                                default=Security.SSL)
    username = models.CharField(_("user name"), max_length=255)
    password_env = models.CharField(
        _("password from environment variable"), max_length=100, blank=True,
        help_text=_("The name of an environment variable holding the password, e.g. "
                    "LEADQUAL_MAILBOX_SALES_PASSWORD: the password then never enters the "
                    "database. Empty: the password stored below (encrypted) is used."),
    )
    password_encrypted = models.TextField(_("stored password (encrypted)"), blank=True,
                                          editable=False)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    active = models.BooleanField(_("active"), default=True)
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mailboxes",
        verbose_name=_("read by"),
        help_text=_("The sales reps who see this mailbox's held-back mail. Managers and "
                    "admins see all of it."))
    # Where the last poll stopped: UIDs count only with the folder's UIDVALIDITY.
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(_("last read"), null=True, blank=True,
                                          editable=False)
    last_error = models.CharField(_("last error"), max_length=500, blank=True,
                                  editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} ({self.username}@{self.host})"


class MailMessage(models.Model):
    """Every email read from a mailbox or uploaded, and every email we sent a buyer,
    once per Message-ID, with what Leadqual made of it."""

    class Direction(models.TextChoices):
        IN = "in", _("Received")
        OUT = "out", _("Sent")

    class Outcome(models.TextChoices):
        INQUIRY = "inquiry", _("New inquiry")
        DUPLICATE = "duplicate", _("Inquiry already stored")
        REPLY = "reply", _("Reply of a buyer")
        AWAY = "away", _("Out-of-office reply")
        IGNORED = "ignored", _("Not for Leadqual")
        FAILED = "failed", _("Could not be used")
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SEND_FAILED = "send_failed", _("Sending failed")
        BOUNCED = "bounced", _("Sent, then bounced")
        BOUNCE = "bounce", _("Bounce of our mail")
        DELAY = "delay", _("Delivery delayed")
        REPORT = "report", _("Automatic report")
        HELD = "held", _("Held back: spam or phishing")

    class Screen(models.TextChoices):
        PHISHING = "phishing", _("Phishing or fraud")
        SPAM = "spam", _("Spam")
        RISKY = "risky", _("Passed, with a risk")
        CLEAN = "clean", _("Clean")

    class Decision(models.TextChoices):
        RELEASED = "released", _("Not spam: released")
        CONFIRMED = "confirmed", _("Spam: confirmed")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("why"), blank=True)
    source = models.CharField(_("source"), max_length=10, blank=True)  # imap, upload, smtp
    mailbox = models.ForeignKey(Mailbox, models.SET_NULL, null=True, blank=True,
                                related_name="messages", verbose_name=_("mailbox"))
    message_id = models.CharField("Message-ID", max_length=500, unique=True)
    in_reply_to = models.CharField("In-Reply-To", max_length=500, blank=True)
    references = models.TextField("References", blank=True)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("sender name"), max_length=255, blank=True)
    to_addresses = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body = models.TextField(_("text"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    sent_at = models.DateTimeField(_("date"), null=True, blank=True)
    # Automatic mail (leads.mail.automatic): its kind; for a bounce, which address
    # failed and why (on the bounce, and on the message of ours that bounced).
    automatic_kind = models.CharField(_("automatic mail"), max_length=30, blank=True)
    bounced_address = models.CharField(_("failed address"), max_length=320, blank=True)
    bounce_status = models.CharField(_("status"), max_length=20, blank=True)
    bounce_diagnostic = models.CharField(_("diagnostic"), max_length=500, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    # The screening before the message could become an inquiry or a reply
    # (leads.mail.screen): the verdict, its signs, the generic filter's answer.
    screen_verdict = models.CharField(_("screening"), max_length=10, blank=True,
                                      choices=Screen.choices)
    screen_score = models.FloatField(_("screening score"), null=True, blank=True)
    screen_signs = models.JSONField(_("signs"), default=list, blank=True)
    screen_filter = models.CharField(_("filters"), max_length=300, blank=True)
    spam_score = models.FloatField(_("spam filter score"), null=True, blank=True)
    spam_symbols = models.JSONField(default=list, blank=True)
    # A person's decision on held-back mail (audited), and the filter's answer to it.
    decision = models.CharField(_("decision"), max_length=10, blank=True,
                                choices=Decision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    learned = models.CharField(_("filter taught"), max_length=300, blank=True)
    # Kept when the message could not be used or was held back, so that nothing is lost.
    raw = models.BinaryField(_("message as received"), blank=True, default=b"",
                             editable=False)
    company = models.ForeignKey(Company, models.SET_NULL, null=True, blank=True,
                                related_name="mail", verbose_name=_("company"))
    inquiry = models.ForeignKey(Inquiry, models.SET_NULL, null=True, blank=True,
                                related_name="mail", verbose_name=_("inquiry"))
    activity = models.ForeignKey(Activity, models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("user"))
    # Out-of-office: the days away the reply names, until the rep records them.
    away_first_day = models.DateField(_("away from"), null=True, blank=True)
    away_last_day = models.DateField(_("away until"), null=True, blank=True)
    vacation_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("stored"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("email message")
        verbose_name_plural = _("email messages")
        indexes = [
            models.Index(fields=["company", "-created_at"]),
            models.Index(fields=["outcome", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.subject or self.message_id}"
