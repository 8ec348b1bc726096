"""moto's standalone S3 server, a real HTTP server on 127.0.0.1, for the tests of media on a bucket.

Started once per test process by the `s3_server` fixture (tests/conftest.py). A test that
needs it and cannot start it fails: media on a bucket is a promise of the README.
"""

import json
import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import default_storage

# moto accepts any key; these only have to be the same on both sides.
ACCESS_KEY = "vitrine-test"
SECRET_KEY = "vitrine-test-secret"
REGION = "us-east-1"
START_SECONDS = 30


def media_address():
    """Where pages and feeds link uploaded media, absolute, ending in "/".

    SITE_URL + MEDIA_URL with media on disk; with a bucket (CI's PostgreSQL + Redis pass),
    the bucket's own address or its CDN's, under this test process's folder. A test of "an
    absolute media URL" asserts this one prefix, and so holds on both passes.
    """
    if not settings.AWS_STORAGE_BUCKET_NAME:
        return settings.SITE_URL + settings.MEDIA_URL
    return media_prefix()


def media_prefix():
    """What the media URLs of a page start with: MEDIA_URL on disk, the bucket's address on one."""
    # S3Storage builds a URL from the name alone; an empty name is not a key.
    return default_storage.url("x").removesuffix("x")


def public_read_policy(bucket):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class S3Server:
    def __init__(self, endpoint_url):
        self.endpoint_url = endpoint_url

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self):
        """A bucket anyone may read, as a site's media bucket is (its policy, not object ACLs)."""
        name = f"vitrine-{uuid.uuid4().hex[:12]}"
        client = self.client()
        client.create_bucket(Bucket=name)
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
        return name

    def keys(self, bucket):
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def environment(self, bucket, **extra):
        """The variables a deployment sets (README.md), for a subprocess."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
            **extra,
        }

    def storage(self, bucket, **options):
        """STORAGES["default"] as settings.py builds it from `environment(bucket)`."""
        return {
            "BACKEND": "portfolio.core.storage.MediaStorage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": self.endpoint_url,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "addressing_style": "path",
                **options,
            },
        }


def start(log_path):
    """A moto server on a free port, answering; fails the test run when it cannot start."""
    port = free_port()
    log = open(log_path, "wb")  # closed by the fixture, after the process
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail(
                    "moto's S3 server (moto[server], in the test extras) did not start:\n"
                    + log_path.read_text(errors="replace")[-2000:],
                    pytrace=False,
                )
            time.sleep(0.1)  # a child process starting up, not the test's clock
    return process, log, S3Server(f"http://127.0.0.1:{port}")
