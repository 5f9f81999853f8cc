"""What ``leads`` announces, for the apps that build on it.

``leads`` (what came in) depends on no other app of the project. Where something has to
happen elsewhere when an inquiry arrives or a rep logs a contact, it sends one of these
signals and the other apps subscribe in their ``AppConfig.ready()``, as Django's own apps
do (``django.contrib.auth`` sends ``user_logged_in``; ``contrib.sessions`` listens).
Receivers run in the sender's transaction; a receiver that starts network work enqueues
it with ``transaction.on_commit``.

One extension point returns data rather than announcing: ``headline_sources``, the
functions that supply company headline fields that other apps own (the grade and the
statuses of the latest verification). ``companies_refresh`` merges what they return.
"""

from collections.abc import Callable, Iterable

from django.dispatch import Signal

# New inquiries were stored (import, API, mailbox, web form). inquiry_ids: list[int].
inquiries_received = Signal()

# A person asked for an inquiry's checks to run again. inquiry_ids: list[int].
inquiries_recheck_requested = Signal()

# A company's status changed. company, before, after, user.
company_status_changed = Signal()

# We reached out to the buyer (a contact attempt logged). company, at, activity, user.
contact_attempt_logged = Signal()

# The buyer answered. company, at, activity, user.
reply_logged = Signal()

# The buyer is away (an out-of-office reply or a rep's note).
# company, first_day, last_day, note, user.
buyer_away_reported = Signal()

# Our mail to an address came back for good (a hard bounce). company, address, status,
# diagnostic, at.
address_bounced = Signal()


HeadlineSource = Callable[[list[int]], dict[int, dict]]
_headline_sources: list[tuple[tuple[str, ...], HeadlineSource]] = []


def headline_source(*fields: str):
    """Register a function ``f(company_ids) -> {company_id: {field: value}}`` that supplies
    the named Company fields to ``companies_refresh`` (a company it leaves out gets the
    fields' defaults)."""

    def register(function: HeadlineSource) -> HeadlineSource:
        if all(function is not known for _, known in _headline_sources):
            _headline_sources.append((fields, function))
        return function

    return register


def headline_sources() -> Iterable[tuple[tuple[str, ...], HeadlineSource]]:
    return tuple(_headline_sources)
