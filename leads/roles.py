"""The three kinds of user, as Django groups with model permissions.

* rep: triages inquiries; sees own companies and the public pool.
* manager: sees everything, assigns, reviews the team.
* admin: everything, plus settings and keyword lists.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission

REP, MANAGER, ADMIN = "rep", "manager", "admin"
ROLES = (REP, MANAGER, ADMIN)

_WORK_MODELS = {
    "leads": ["inquiry", "company", "person", "contactchannel", "activity", "importbatch", "tag"],
}
_SETTINGS_MODELS = {
    "followup": ["channelranking", "calendaroverride", "cadence", "cadencestep"],
    "leads": ["assignmentrule", "teamsettings", "mailbox", "mailmessage"],
    "verification": [],
}


def _perms(models_by_app: dict[str, list[str]], actions: tuple[str, ...]) -> list[Permission]:
    perms = []
    for app_label, models in models_by_app.items():
        for model in models:
            codenames = [f"{action}_{model}" for action in actions]
            perms.extend(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
    return perms


def roles_sync() -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    rep, _ = Group.objects.get_or_create(name=REP)
    manager, _ = Group.objects.get_or_create(name=MANAGER)
    admin, _ = Group.objects.get_or_create(name=ADMIN)

    work = _perms(_WORK_MODELS, ("view", "add", "change"))
    rep.permissions.set(work)
    manager.permissions.set(
        work + _perms(_WORK_MODELS, ("delete",)) + _perms(_SETTINGS_MODELS, ("view",))
    )
    admin.permissions.set(
        work
        + _perms(_WORK_MODELS, ("delete",))
        + _perms(_SETTINGS_MODELS, ("view", "add", "change", "delete"))
    )


def user_roles(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_leadqual_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._leadqual_roles = cached
    return cached


def is_manager(user) -> bool:
    """Managers and admins see every company."""
    return bool(user_roles(user) & {MANAGER, ADMIN})


def is_admin(user) -> bool:
    return ADMIN in user_roles(user)


def require_admin(user) -> None:
    """Pages and actions for admins only: 403 for everyone else."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not is_admin(user):
        raise PermissionDenied(_("Only admins change the settings."))


def can_work_leads(user) -> bool:
    return bool(user_roles(user))
