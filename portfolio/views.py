import logging

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from blog.views import latest_cards
from portfolio import contact as contact_flow
from portfolio import cv, resume, structured_data, vcard
from portfolio import cv_docx as cv_docx_file
from portfolio.forms import ContactForm
from portfolio.models import Profile

logger = logging.getLogger(__name__)

HOME_POST_COUNT = 6


def home(request):
    # Cards as the blog list shows them: category in the same query, reading times kept.
    posts = latest_cards(HOME_POST_COUNT)
    profile = Profile.objects.current()
    return render(request, "portfolio/home.html", {"posts": posts, "profile": profile})


def profile(request):
    profile = Profile.objects.current_with_lists()
    context = {"profile": profile}
    if profile:
        context["content"] = cv.page_content(profile)
        context["json_ld"] = structured_data.profile_page(profile, request)
    return render(request, "portfolio/profile.html", context)


def get_profile_or_404():
    profile = Profile.objects.current_with_lists()
    if profile is None:
        raise Http404("No profile yet")
    return profile


def cv_pdf(request):
    profile = get_profile_or_404()
    return cv_pdf_response(profile, cv.cached_pdf(profile, get_language()))


def cv_pdf_response(profile, pdf):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cv.file_name(profile)}"'
    return response


def cv_docx(request):
    profile = get_profile_or_404()
    return cv_docx_response(profile, cv_docx_file.cached_docx(profile, get_language()))


def cv_docx_response(profile, data):
    response = HttpResponse(data, content_type=cv_docx_file.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{cv.file_name(profile, "docx")}"'
    return response


def resume_json(request):
    profile = get_profile_or_404()
    response = JsonResponse(
        resume.json_resume(profile, request), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'inline; filename="{cv.file_name(profile, "json")}"'
    return response


def vcard_vcf(request):
    profile = get_profile_or_404()
    response = HttpResponse(vcard.vcard(profile, request), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{cv.file_name(profile, "vcf")}"'
    return response


@never_cache  # the form carries a signed "shown at" time: never served from a cache
def contact(request):
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_bot:
            # Said to work, so the bot moves on; nothing is stored or sent.
            logger.info("Contact form: honeypot filled, message dropped")
            return redirect("portfolio:contact_thanks")
        if form.is_valid():
            if contact_flow.receive(form, request):
                return redirect("portfolio:contact_thanks")
            context = {"form": form, "is_rate_limited": True, **contact_flow.limits()}
            return render(request, "portfolio/contact.html", context, status=429)
        form = contact_flow.with_fresh_start_token_if_needed(form)
    else:
        form = ContactForm()
    context = {"form": form, "profile": Profile.objects.current()}
    return render(request, "portfolio/contact.html", context)


def contact_thanks(request):
    return render(request, "portfolio/contact_thanks.html")
