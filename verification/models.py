from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Verification(models.Model):
    """Background checks of one inquiry, with their evidence."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class EmailVerdict(models.TextChoices):
        UNCHECKED = "", _("Not checked")
        NONE = "none", _("No email given")
        INVALID = "invalid", _("Invalid syntax")
        VALID_SYNTAX = "valid_syntax", _("Valid syntax")

    inquiry = models.OneToOneField(
        "leads.Inquiry", models.CASCADE, related_name="verification", primary_key=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    email_verdict = models.CharField(
        _("email"), max_length=20, choices=EmailVerdict.choices, blank=True, default=""
    )
    email_normalized = models.CharField(_("normalised email"), max_length=320, blank=True)
    is_free_mail = models.BooleanField(_("free-mail provider"), default=False)
    is_disposable = models.BooleanField(_("disposable domain"), default=False)
    is_role_account = models.BooleanField(_("role account"), default=False)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"Verification of inquiry #{self.inquiry_id}: {self.status}"
