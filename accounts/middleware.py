from django.utils import translation


class PreferredLanguageMiddleware:
    """A signed-in person sees the site in the language of their profile, on any device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.preferred_language != request.LANGUAGE_CODE:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)
