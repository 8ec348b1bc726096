"""A tailored CV's private page and files, at /cv/<token>/.

Private: never stored by any cache (the readings are counted on each request, and the
link must stop working the moment it is revoked), never indexed (`noindex` in the page
and X-Robots-Tag on every answer), in no sitemap. An unknown, revoked or expired token
gets the same polite 404, which says nothing about whether the link existed.
"""

from functools import wraps

from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from portfolio import cv, cv_docx, cv_links
from portfolio.models import Profile, TailoredCV
from portfolio.views import cv_docx_response, cv_pdf_response

ROBOTS = "noindex, nofollow, noarchive"


def private_link(view):
    """Find the active link of the token (or answer the polite 404), and keep it private."""

    @never_cache
    @wraps(view)
    def wrapper(request, token):
        link = TailoredCV.objects.active().filter(token=token).first()
        if link is None:
            context = {"profile": Profile.objects.current(), "alternates": []}
            response = render(request, "portfolio/tailored_cv_gone.html", context, status=404)
        else:
            profile = Profile.objects.filter(pk=link.profile_id).current_with_lists()
            response = view(request, link, profile)
        response["X-Robots-Tag"] = ROBOTS
        return response

    return wrapper


@private_link
def page(request, link, profile):
    if translation.get_language() != link.language:
        return redirect(link.get_absolute_url())
    cv_links.record(request, link, cv_links.OPEN)
    context = {
        "link": link,
        "profile": profile,
        "content": cv.cv_content(profile, link),
        # No language switcher: the link is in the language it was written in.
        "alternates": [],
    }
    return render(request, "portfolio/tailored_cv.html", context)


@private_link
def pdf(request, link, profile):
    cv_links.record(request, link, cv_links.PDF)
    return cv_pdf_response(profile, cv.cached_pdf(profile, link.language, link))


@private_link
def docx(request, link, profile):
    cv_links.record(request, link, cv_links.DOCX)
    return cv_docx_response(profile, cv_docx.cached_docx(profile, link.language, link))
