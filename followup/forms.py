"""Follow-up forms that need the follow-up models (``leads`` must not import them)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup.attachments import human_size, mentions_attachment
from followup.models import LibraryFile
from leads.mail.forms import EmailSendForm


class FollowupEmailForm(EmailSendForm):
    """The rep's email to a buyer with files from the library.

    The text may promise only what goes with it: a message that says something is
    attached ("attached", "enclosed", "附件", ...) needs a ticked file, and one that
    names a library file as attached needs that file ticked.
    """

    attachments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Attach"), queryset=LibraryFile.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices=(), buyer_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = list(choices)  # the active library files, in the page's order
        self.buyer_language = buyer_language
        self.fields["attachments"].queryset = LibraryFile.objects.filter(
            active=True, pk__in=[f.pk for f in self.choices])

    def clean(self):
        data = super().clean()
        order = {f.pk: n for n, f in enumerate(self.choices)}
        files = sorted(data.get("attachments") or [], key=lambda f: order.get(f.pk, 0))
        data["attachments"] = files
        limit = settings.LEADQUAL_ATTACHMENT_EMAIL_MAX_BYTES
        total = sum(f.size for f in files)
        if total > limit:
            self.add_error("attachments", _(
                "The ticked files come to %(total)s; one email carries at most %(limit)s. "
                "Untick some, or send them in a second email.")
                % {"total": human_size(total), "limit": human_size(limit)})
        body = data.get("body") or ""
        word = mentions_attachment(body)
        if word and not files:
            self.add_error("body", _(
                "The message says “%(word)s”, but no file is ticked. Tick the files to send "
                "below, or change the text so that it promises nothing.") % {"word": word})
        elif word:
            lowered = body.lower()
            named = [f.title for f in self.choices if f not in files and len(f.title) >= 4
                     and f.title.lower() in lowered]
            if named:
                self.add_error("attachments", _(
                    "The message names %(names)s, which is not ticked: tick it, or change "
                    "the text.") % {"names": ", ".join(f"“{n}”" for n in named)})
        return data

    def attachment_rows(self) -> list[dict]:
        """Each offered file with whether it is ticked, for the page."""
        if self.is_bound:
            ticked = {str(v) for v in self.data.getlist(self.add_prefix("attachments"))}
        else:
            ticked = {str(v) for v in self.initial.get("attachments", [])}
        return [{"file": f, "ticked": str(f.pk) in ticked, "size": human_size(f.size),
                 "theirs": f.language == self.buyer_language}
                for f in self.choices]
