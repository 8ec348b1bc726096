from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from blog.sitemaps import BlogListSitemap, PageSitemap, PostSitemap
from portfolio.core import second_factor
from portfolio.core import views as core_views
from portfolio.core.media import serve_media
from portfolio.core.sitemaps import robots_txt, sitemap_or_index, sitemap_section
from portfolio.importers.admin_views import import_page
from portfolio.sitemaps import PagesSitemap

SITEMAPS = {
    "pages": PagesSitemap,
    "blog": BlogListSitemap,
    "posts": PostSitemap,
    "site_pages": PageSitemap,
}

# Pages live in French at the root and in English under /en/: one URL per
# language keeps every page cacheable and gives search engines hreflang pairs.
urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # For crawlers, one per site (hreflang alternates inside): outside the language prefixes.
    path("sitemap.xml", sitemap_or_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Past 1,000 URLs, the sections the index of /sitemap.xml lists (portfolio.core.sitemaps).
    path("sitemap-<section>.xml", sitemap_section, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Inside the admin (staff only), before its catch-all: the import pages.
    path(
        f"{settings.ADMIN_PATH}/import/<slug:source>/",
        admin.site.admin_view(import_page),
        name="admin_import",
    ),
    # The second factor between the admin's password login and the admin.
    path(
        f"{settings.ADMIN_PATH}/second-factor/", second_factor.verify, name="second_factor_verify"
    ),
    path(
        f"{settings.ADMIN_PATH}/second-factor/enrol/",
        second_factor.enrol,
        name="second_factor_enrol",
    ),
    path(
        f"{settings.ADMIN_PATH}/second-factor/recovery-codes/",
        second_factor.recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}/(?P<path>.+)$", serve_media, name="media"))

urlpatterns += i18n_patterns(
    path("", include("portfolio.profile_urls")),
    path("blog/", include("blog.urls")),
    path("comments/", include("comments.urls")),
    # Last: /<slug>/ and /<parent>/<child>/ would otherwise catch other routes' addresses.
    path("", include("blog.page_urls")),
    prefix_default_language=False,
)

handler400 = "portfolio.core.views.bad_request"
handler403 = "portfolio.core.views.permission_denied"
handler404 = "portfolio.core.views.page_not_found"
handler500 = "portfolio.core.views.server_error"
