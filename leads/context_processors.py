from functools import cache

from django.core.cache import cache as shared_cache

from leads.roles import can_work_leads, is_admin, is_manager

# The top bar's count of undecided held-back mail is shared for a minute: every page
# shows it, and one more query on each would cost more than a late badge. A decision
# turns the version over (``held_count_changed``), so everyone's count is fresh then.
HELD_COUNT_SECONDS = 60
HELD_VERSION_KEY = "leads:held-count-version"


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {"user_is_manager": is_manager(user), "user_is_admin": is_admin(user)}
    if can_work_leads(user):
        # Lazy: fragments that do not show the top bar never ask.
        context["held_count"] = cache(lambda: held_count(user))
    return context


def held_count(user) -> int:
    from leads.selectors import held_undecided_count

    version = shared_cache.get(HELD_VERSION_KEY, 0)
    key = f"leads:held-count:{version}:{'all' if is_manager(user) else user.pk}"
    count = shared_cache.get(key)
    if count is None:
        count = held_undecided_count(user)
        shared_cache.set(key, count, HELD_COUNT_SECONDS)
    return count


def held_count_changed() -> None:
    try:
        shared_cache.incr(HELD_VERSION_KEY)
    except ValueError:  # not there yet (or expired)
        shared_cache.set(HELD_VERSION_KEY, 1, None)
