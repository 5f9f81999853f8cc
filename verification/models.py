from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leads.models import EmailStatus, Grade, WebsiteStatus


class Verification(models.Model):
    """Background checks of one inquiry, with their evidence and the grade."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    EmailStatus = EmailStatus
    WebsiteStatus = WebsiteStatus
    Grade = Grade

    inquiry = models.OneToOneField(
        "leads.Inquiry", models.CASCADE, related_name="verification", primary_key=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Email
    email_status = models.CharField(
        _("email"), max_length=15, choices=EmailStatus.choices, blank=True, default="",
        db_index=True,
    )
    email_flags = models.JSONField(_("email flags"), default=list, blank=True)
    email_normalized = models.CharField(_("normalised email"), max_length=320, blank=True)
    email_provider = models.CharField(_("mail provider"), max_length=60, blank=True)
    # Website
    website_status = models.CharField(
        _("website"), max_length=15, choices=WebsiteStatus.choices, blank=True, default="",
        db_index=True,
    )
    website_url = models.CharField(_("website checked"), max_length=500, blank=True)
    website_final_url = models.CharField(_("final URL"), max_length=2000, blank=True)
    website_title = models.CharField(_("page title"), max_length=500, blank=True)
    website_description = models.TextField(_("meta description"), blank=True)
    website_language = models.CharField(_("page language"), max_length=10, blank=True)
    website_text = models.TextField(_("visible text"), blank=True)
    website_headings = models.TextField(_("page headings"), blank=True)
    domain_match = models.BooleanField(_("email domain matches website"), null=True)
    # Domain age
    domain_created = models.DateField(_("domain registered"), null=True, blank=True)
    # Industry fit, grade
    fit = models.PositiveSmallIntegerField(_("fit"), null=True, blank=True)
    fit_matches = models.JSONField(_("matched keywords"), default=list, blank=True)
    fit_industries = models.JSONField(_("industries"), default=list, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, db_index=True)
    grade = models.CharField(
        _("grade"), max_length=1, choices=Grade.choices, blank=True, db_index=True
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Completed runs of the checks, ever (re-verifications and retries included): a
    # message delivered twice must not add one.
    runs = models.PositiveIntegerField(_("completed runs"), default=0)
    retry_at = models.DateTimeField(_("retry scheduled"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # While running: until when the run's claim holds unless renewed (verification.claims).
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"Verification of inquiry #{self.inquiry_id}: {self.status}"


class MailList(models.Model):
    """Admin-editable lists the email checks use: free-mail domains, role local parts."""

    class Kind(models.TextChoices):
        FREE_MAIL = "free_mail", _("Free-mail domain")
        ROLE_ACCOUNT = "role_account", _("Role account (local part)")

    kind = models.CharField(_("list"), max_length=20, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=253)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mail list entry")
        verbose_name_plural = _("mail list entries")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="maillist_unique")]
        ordering = ["kind", "value"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)


class Industry(models.Model):
    """A target industry; its keywords decide the fit of a buyer."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    weight = models.FloatField(
        _("weight"), default=1.0, help_text=_("Multiplies the weight of every keyword.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("target industry")
        verbose_name_plural = _("target industries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Keyword(models.Model):
    """A word or phrase in one language. No industry = a negative keyword.

    A trailing ``*`` matches the last word as a prefix (``wasseraufbereitung*``);
    a leading ``*`` lets the term start inside a word (``*kläranlage``).
    """

    industry = models.ForeignKey(
        Industry, models.CASCADE, null=True, blank=True, related_name="keywords"
    )
    term = models.CharField(_("keyword or phrase"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="en")
    weight = models.PositiveSmallIntegerField(_("weight"), default=2)
    negative = models.BooleanField(_("negative"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        constraints = [
            models.UniqueConstraint(fields=["industry", "term", "language", "negative"],
                                    name="keyword_unique"),
        ]
        ordering = ["industry__name", "language", "term"]

    def __str__(self) -> str:
        return f"{'-' if self.negative else ''}{self.term} ({self.language})"


class KeywordChange(models.Model):
    """Who changed the keyword lists, when, and what was there before and after."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                             related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20)
    summary = models.CharField(_("summary"), max_length=300)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("keyword change")
        verbose_name_plural = _("keyword changes")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user}: {self.summary}"


class RescoreRun(models.Model):
    """Fit and grade of every stored inquiry recomputed after a keyword edit."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("rescoring run")
        verbose_name_plural = _("rescoring runs")

    def __str__(self) -> str:
        return f"rescore {self.requested_at:%Y-%m-%d %H:%M} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (
            100 if self.finished_at else 0)


class FitLabel(models.Model):
    """A person's word on whether a company is a target buyer: training data for the
    fit model's next retraining (with the corpus), kept with who and when."""

    company = models.OneToOneField("leads.Company", models.CASCADE, related_name="fit_label")
    is_target = models.BooleanField(_("target buyer"))
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    labelled_at = models.DateTimeField(_("labelled at"), default=timezone.now)

    class Meta:
        verbose_name = _("target label")
        verbose_name_plural = _("target labels")

    def __str__(self) -> str:
        return f"{self.company_id}: {'target' if self.is_target else 'not target'}"


class FitModel(models.Model):
    """A retrained fit model: a candidate until an admin accepts it; then in force."""

    class Status(models.TextChoices):
        TRAINING = "training", _("Training")
        CANDIDATE = "candidate", _("Waiting for an admin")
        ACTIVE = "active", _("In force")
        REJECTED = "rejected", _("Rejected")
        RETIRED = "retired", _("Replaced")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.TRAINING, db_index=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    trained_at = models.DateTimeField(_("trained at"), null=True, blank=True)
    # Pages it learned from: the corpus's development part and the team's labels.
    corpus_pages = models.PositiveIntegerField(_("corpus pages"), default=0)
    team_labels = models.PositiveIntegerField(_("team labels"), default=0)
    # Figures on the corpus's held-out part: of the model in force, and of this one.
    before = models.JSONField(_("held-out figures before"), default=dict, blank=True)
    after = models.JSONField(_("held-out figures after"), default=dict, blank=True)
    data = models.BinaryField(_("model"), blank=True, default=b"")
    error = models.TextField(_("error"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fit model")
        verbose_name_plural = _("fit models")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"fit model {self.pk} ({self.status})"
