"""Project-wide middleware."""


class DutchFirstMiddleware:
    """The site speaks Dutch unless the person chose English with the language switch.

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, and many
    municipal laptops are set to English: a Dutch civil servant would get English pages they
    never asked for. The choice made in the footer (a cookie) still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
