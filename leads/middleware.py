from django.utils import translation


class UserLanguageMiddleware:
    """The interface speaks the language saved in the user's profile, when there is one.

    Runs after authentication; LocaleMiddleware (browser language) decides for
    everyone else, the login page included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from leads.models import Profile

            language = (Profile.objects.filter(user=user).values_list("language", flat=True)
                        .first())
            if language:
                # For this request only: the thread serves other users next (and, in
                # tests, runs other code that must not find the last user's language).
                previous = translation.get_language()
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
                try:
                    return self.get_response(request)
                finally:
                    if previous:
                        translation.activate(previous)
                    else:
                        translation.deactivate()
        return self.get_response(request)
