"""Media on S3-compatible storage (django-storages), when AWS_STORAGE_BUCKET_NAME is set.

Pages link straight to the bucket (or the CDN in front of it): `url()` is computed from
the name alone, never a request to the bucket, and renditions are made when their source
is saved (imagekit's Optimistic strategy), so a page with twenty pictures costs the bucket
nothing. Names are never overwritten (AWS_S3_FILE_OVERWRITE off), which is what lets a
rendition be cached for a year: a new upload gets a new name, and so new renditions.
"""

import mimetypes
from functools import cached_property

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

from portfolio.core.media import IMMUTABLE, ORIGINAL_CACHE_CONTROL, RENDITION_CACHE_CONTROL

# A health check answers within the load balancer's own timeout, or says "down".
HEALTH_TIMEOUT_SECONDS = 2


class MediaStorage(S3Storage):
    """The bucket, with the cache headers /media/ sends when the app serves the files itself."""

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        parameters.setdefault(
            "CacheControl",
            RENDITION_CACHE_CONTROL if IMMUTABLE.search(name) else ORIGINAL_CACHE_CONTROL,
        )
        return parameters

    @cached_property
    def health_client(self):
        """A client that gives up after one short try: the uploads' client retries for a minute."""
        session = boto3.Session(
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            aws_session_token=self.security_token,
        )
        quick = Config(
            connect_timeout=HEALTH_TIMEOUT_SECONDS,
            read_timeout=HEALTH_TIMEOUT_SECONDS,
            retries={"total_max_attempts": 1},
        )
        return session.client(
            "s3",
            region_name=self.region_name,
            use_ssl=self.use_ssl,
            endpoint_url=self.endpoint_url,
            verify=self.verify,
            config=self.client_config.merge(quick),
        )

    def answers(self):
        """True when the bucket exists and our keys may use it (one HEAD request)."""
        try:
            self.health_client.head_bucket(Bucket=self.bucket_name)
        except (BotoCoreError, ClientError):
            return False
        return True


def media_storage_answers(storage=default_storage):
    """Whether uploads can be stored now: the bucket answers, or the disk can be read."""
    if isinstance(storage, MediaStorage):
        return storage.answers()
    try:
        storage.exists(".healthz")
    except OSError:
        return False
    return True


def key_prefix(storage):
    return f"{storage.location.strip('/')}/" if storage.location else ""


def bucket_objects(storage):
    """(name, size, last modified) of every object under the storage's location."""
    prefix = key_prefix(storage)
    for summary in storage.bucket.objects.filter(Prefix=prefix):
        yield summary.key.removeprefix(prefix), summary.size, summary.last_modified


def open_object(storage, name):
    """The object's bytes as a stream (read in chunks, never held whole in memory)."""
    return storage.bucket.Object(key_prefix(storage) + name).get()["Body"]


def put_object(storage, name, path):
    """`path`'s file as the object `name`, replacing it, with the headers an upload gets."""
    parameters = storage.get_object_parameters(name)
    parameters.setdefault(
        "ContentType", mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    storage.bucket.upload_file(str(path), key_prefix(storage) + name, ExtraArgs=parameters)
