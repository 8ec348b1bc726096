"""The site's settings with plain static storage, for benchmarks that never fetch static files.

Collecting static files with the manifest storage takes a minute here; a
benchmark of database writes does not need hashed names, only `{% static %}` URLs.
"""

from portfolio.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
