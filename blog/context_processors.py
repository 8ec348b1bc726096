from django.utils.functional import SimpleLazyObject

from blog.models import Page


def _menus():
    menus = {"header": [], "footer": []}
    for page in Page.objects.in_menus():
        if page.show_in_header:
            menus["header"].append(page)
        if page.show_in_footer:
            menus["footer"].append(page)
    return menus


def page_menus(request):
    """Links to pages in the header and the footer: one query, whatever the number of pages.

    Lazy, so a template that shows no menu (the admin, the feeds) costs no query.
    """
    return {"page_menus": SimpleLazyObject(_menus)}
