from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation


def site(request):
    """What every page's frame needs: the site's name and this page in each language."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "alternates": [
            {"code": code, "name": name, "url": page_in_language(request, code)}
            for code, name in settings.LANGUAGES
        ],
    }


def page_in_language(request, code):
    try:
        resolve(request.path_info)
    except Resolver404:
        # A missing page has no translation: offer that language's home instead.
        return home_in(code)
    return translate_url(request.get_full_path(), code)


def home_in(code):
    with translation.override(code):
        return reverse("portfolio:home")


def home_in_each_language():
    """The language switcher's links on a page that exists in no language (a 404)."""
    return [{"code": code, "name": name, "url": home_in(code)} for code, name in settings.LANGUAGES]
