import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
_django = get_wsgi_application()

from bianmin.ratings import ingest  # noqa: E402 (needs the settings and apps loaded above)

# POST /api/v1/ratings with a token and a level is answered by the ratings' fast lane; everything else by Django.
application = ingest.wrap(_django)
