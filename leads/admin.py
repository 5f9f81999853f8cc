from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from leads.models import (
    Activity,
    AssignmentRule,
    Company,
    CompanyKey,
    ContactChannel,
    ImportBatch,
    Inquiry,
    Mailbox,
    MailMessage,
    Person,
    Profile,
    Tag,
    TeamSettings,
)


class InquiryInline(admin.TabularInline):
    model = Inquiry
    extra = 0
    fields = ["received_at", "platform", "buyer_name", "email", "product"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


class ChannelInline(admin.TabularInline):
    model = ContactChannel
    extra = 0
    autocomplete_fields = ["person"]


class KeyInline(admin.TabularInline):
    model = CompanyKey
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "domain", "owner", "status", "segment", "grade",
                    "last_received_at"]
    list_filter = ["status", "segment", "grade", "assigned_via", "country"]
    readonly_fields = ["inquiry_count", "last_received_at", "platform", "verified_grade",
                       "score", "email_status", "website_status", "fit",
                       "verification_pending", "last_contact_at", "last_reply_at"]
    search_fields = ["name", "domain", "keys__key"]
    autocomplete_fields = ["owner", "tags"]
    inlines = [ChannelInline, KeyInline, InquiryInline]
    date_hierarchy = "created_at"


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["received_at", "platform", "company_name", "buyer_name", "country", "email"]
    list_filter = ["platform", "country"]
    search_fields = ["company_name", "buyer_name", "email", "platform_ref", "message"]
    autocomplete_fields = ["company"]
    readonly_fields = ["dedup_key", "raw", "batch", "created_at"]
    date_hierarchy = "received_at"
    list_select_related = ["company"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "company"]
    search_fields = ["name", "company__name"]
    autocomplete_fields = ["company"]


@admin.register(ContactChannel)
class ContactChannelAdmin(admin.ModelAdmin):
    list_display = ["company", "kind", "value", "person", "is_emergency"]
    list_filter = ["kind", "is_emergency"]
    search_fields = ["value", "company__name"]
    autocomplete_fields = ["company", "person"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "company", "kind", "channel", "outcome", "author"]
    list_filter = ["kind", "channel", "outcome"]
    search_fields = ["company__name", "body"]
    autocomplete_fields = ["company", "inquiry"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "filename", "preset", "imported_count",
                    "duplicate_count", "rejected_count", "created_by"]
    list_filter = ["source", "preset"]
    readonly_fields = ["rejected_rows"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(CompanyKey)
class CompanyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "company"]
    search_fields = ["key", "company__name"]
    autocomplete_fields = ["company"]


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "values", "rep", "priority", "active"]
    list_editable = ["priority", "active"]
    list_filter = ["kind", "active", "rep"]


@admin.register(TeamSettings)
class TeamSettingsAdmin(admin.ModelAdmin):
    """One row; opening the list goes straight to it."""

    list_display = ["__str__", "round_robin", "daily_cap", "pool_cap", "pool_return_days"]

    def has_add_permission(self, request):
        return not TeamSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password to store"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; leave empty to keep the stored one. Not needed when "
                    "the password comes from an environment variable."),
    )

    class Meta:
        model = Mailbox
        fields = ["name", "host", "port", "security", "username", "password_env", "password",
                  "folder", "active", "readers"]

    def clean(self):
        data = super().clean()
        if not data.get("password_env") and not data.get("password") and not (
                self.instance.pk and self.instance.password_encrypted):
            raise forms.ValidationError(
                _("Give the password: in an environment variable (preferred) or here."))
        return data

    def save(self, commit=True):
        from leads.mail.secrets import encrypt

        mailbox = super().save(commit=False)
        if self.cleaned_data.get("password"):
            mailbox.password_encrypted = encrypt(self.cleaned_data["password"])
        if commit:
            mailbox.save()
        return mailbox


class _AdminsOnly:
    """Mailboxes hold credentials: only the admin role changes them (managers may look)."""

    def has_add_permission(self, request, *args):
        from leads.roles import is_admin

        return is_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        from leads.roles import is_admin

        return is_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        from leads.roles import is_admin

        return is_admin(request.user) and super().has_delete_permission(request, obj)


@admin.register(Mailbox)
class MailboxAdmin(_AdminsOnly, admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "username", "host", "port", "security", "folder", "active",
                    "last_polled_at", "last_error"]
    list_filter = ["active", "security"]
    readonly_fields = ["last_polled_at", "last_uid", "uidvalidity", "last_error"]
    filter_horizontal = ["readers"]
    actions = ["poll_now"]

    @admin.action(description=_("Read the selected mailboxes now"))
    def poll_now(self, request, queryset):
        from config.celery_app import enqueue
        from leads.tasks import mailbox_poll

        sent = sum(enqueue(mailbox_poll, pk) for pk in queryset.values_list("pk", flat=True))
        messages.success(request, _("%(n)s mailboxes are being read.") % {"n": sent})


@admin.register(MailMessage)
class MailMessageAdmin(_AdminsOnly, admin.ModelAdmin):
    """What every email became; failed ones keep the message and the reason."""

    list_display = ["created_at", "direction", "outcome", "screen_verdict", "from_address",
                    "subject", "company", "mailbox"]
    list_filter = ["direction", "outcome", "screen_verdict", "decision", "source", "mailbox"]
    search_fields = ["message_id", "from_address", "subject", "company__name"]
    list_select_related = ["company", "mailbox"]
    # Every field read-only, the screening and the decision too: a decision on held-back
    # mail is made on its page (held_decide: audited, teaches the filter), not here.
    readonly_fields = [field.name for field in MailMessage._meta.fields if field.name != "raw"]
    date_hierarchy = "created_at"
    actions = ["read_again"]

    def has_add_permission(self, request, *args):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")  # held mail keeps up to 10 MB

    @admin.action(description=_("Read the selected failed messages again"))
    def read_again(self, request, queryset):
        from leads.mail.services import mail_retry

        outcomes = [mail_retry(message=m)[0].get_outcome_display()
                    for m in queryset.filter(outcome=MailMessage.Outcome.FAILED)]
        messages.info(request, _("Read again: %(outcomes)s")
                      % {"outcomes": ", ".join(map(str, outcomes)) or "–"})
