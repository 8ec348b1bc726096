"""The site's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from portfolio.urls import handler400, handler403, handler404, handler500  # noqa: F401
from portfolio.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("secret internals: /srv/vitrine/settings.py password=hunter2")


urlpatterns = [path("boom/", broken_view), *site_urlpatterns]
