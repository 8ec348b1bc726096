"""Pages at the site's root: /a-propos/, /a-propos/equipe/.

Included last in portfolio/urls.py, so every other route wins; the slugs those routes
use are refused for root pages (blog.models.reserved_page_slugs).
"""

from django.urls import re_path

from blog import views_pages
from blog.models import PAGE_MAX_DEPTH

app_name = "pages"
urlpatterns = [
    re_path(
        rf"^(?P<path>[-\w]+(?:/[-\w]+){{0,{PAGE_MAX_DEPTH - 1}}})/$",
        views_pages.page_detail,
        name="detail",
    ),
]
