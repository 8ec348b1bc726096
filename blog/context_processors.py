from django.utils.functional import SimpleLazyObject

from blog.models import Page
from portfolio.core import fragments


def _menu_links():
    """(url, title, language) of the pages in each menu: plain values, kept as a fragment."""
    menus = {"header": [], "footer": []}
    for page in Page.objects.in_menus():
        link = {"url": page.get_absolute_url(), "title": page.title, "language": page.language}
        if page.show_in_header:
            menus["header"].append(link)
        if page.show_in_footer:
            menus["footer"].append(link)
    return menus


def _menus():
    # Read before the pages' query (portfolio.core.fragments): one query per generation.
    return fragments.cached(fragments.current_generation(), ("page_menus",), _menu_links)


def page_menus(request):
    """Links to pages in the header and the footer: one query, whatever the number of pages,
    and none while no model has changed since this process last made them.

    Lazy, so a template that shows no menu (the admin, the feeds) costs nothing.
    """
    return {"page_menus": SimpleLazyObject(_menus)}
