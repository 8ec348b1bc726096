from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from blog import content, notices, seo
from blog.models import Page
from portfolio.core.script_json import json_for_script
from portfolio.core.site_url import absolute


def _detail_queryset():
    return Page.objects.with_parents().with_content()


def page_detail(request, path):
    page = _detail_queryset().published().at_path(path).first()
    if page is None:
        raise Http404
    return _render_page(request, page)


@never_cache
@staff_member_required
def page_preview(request, pk):
    """Staff read any page here, drafts included, never indexed."""
    page = get_object_or_404(_detail_queryset(), pk=pk)
    return _render_page(request, page, preview=True)


def _render_page(request, page, preview=False):
    crumbs = [(_("Home"), reverse("portfolio:home"))]
    crumbs += [(ancestor.title, ancestor.get_absolute_url()) for ancestor in page.ancestors]
    crumbs.append((page.title, page.get_absolute_url()))
    context = {
        "page": page,
        "body": content.body_html(page),
        "notice": notices.for_page(page),
        "toc": content.table_of_contents(page),
        "description": page.meta_description or page.standfirst or content.excerpt(page, 30),
        "preview": preview,
        "canonical_url": absolute(page.get_absolute_url()),
        "crumbs": crumbs,
        "ld_breadcrumbs": json_for_script(seo.breadcrumbs(crumbs)),
    }
    return render(request, "blog/page_detail.html", context)
