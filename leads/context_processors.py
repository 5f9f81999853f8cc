from leads.roles import is_admin, is_manager


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_is_manager": is_manager(user), "user_is_admin": is_admin(user)}
