"""Serve uploaded media from the app server when one machine does everything."""

import errno
import re

from django.conf import settings
from django.http import Http404
from django.views.static import serve

# Renditions carry a content hash in their name, so they never change.
IMMUTABLE = re.compile(r"(^|/)(CACHE|renditions)/")
RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"
# An original keeps its name too, but the author may delete one that should not be public.
ORIGINAL_CACHE_CONTROL = "public, max-age=3600"


def serve_media(request, path):
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError as error:
        if error.errno != errno.ENAMETOOLONG:  # a name longer than the file system allows
            raise
        raise Http404 from error
    if IMMUTABLE.search(path):
        response["Cache-Control"] = RENDITION_CACHE_CONTROL
    else:
        response["Cache-Control"] = ORIGINAL_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
