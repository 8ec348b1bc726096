import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
application = get_wsgi_application()

# What Django built at start-up (settings, URLconf, models, about 200,000 objects) lives
# as long as the process: kept out of the collector's full passes, which cost 150-290 ms
# each and landed on one admin request in three (the 60-block post form).
gc.freeze()
