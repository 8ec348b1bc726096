"""Finding an imported post's images, checking them like an admin upload, storing them once.

Where an image is looked for, in order:

1. a copy of `wp-content/uploads` (`--media-dir`, or the .zip given in the
   admin), by the path after `/wp-content/uploads/` (WordPress.com's
   `files.wordpress.com/2016/10/x.jpg` too). WordPress's resized copies
   (`photo-300x200.jpg`, `photo-scaled.jpg`) lead to the original
   (`photo.jpg`) when it is there, else to the copy itself;
2. with `download`, the URL itself: http(s) only, a timeout, at most
   MAX_UPLOAD_MB (the admin's upload limit) read, redirects to http(s) only.

Every file then goes through `validate_image_file` and `reencode`, exactly
what `SafeImageField` does to an upload in the admin, and is stored once per
import run: the same photo in three posts is one file.
"""

import posixpath
import re
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.models import Figure
from portfolio.core.uploads import reencode, validate_image_file

DOWNLOAD_TIMEOUT_SECONDS = 15
RESIZED = re.compile(r"-(?:\d+x\d+|scaled|rotated|e\d{10,})(?=\.[A-Za-z0-9]+$)")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def upload_path(url):
    """'https://site/wp-content/uploads/2016/10/a.jpg?w=300' → '2016/10/a.jpg' (or '' if none)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if "/wp-content/uploads/" in path:
        path = path.split("/wp-content/uploads/", 1)[1]
    elif (parts.hostname or "").endswith("files.wordpress.com"):
        path = path.lstrip("/")
    else:
        return ""
    clean = posixpath.normpath(path)
    if clean.startswith(("..", "/")) or clean == ".":
        return ""
    return clean


def candidates(path):
    """The original first, then the resized copy the post pointed at."""
    original = RESIZED.sub("", path)
    return [original, path] if original != path else [path]


class _NoRedirectElsewhere(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class MediaLibrary:
    """Images for one import run: `store(src)` → stored name or None, with `problems`."""

    def __init__(self, site_url="", media_dir=None, media_zip=None, download=False, dry_run=False):
        self.site_url = site_url.rstrip("/") + "/"
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.zip = zipfile.ZipFile(media_zip) if media_zip else None
        self.zip_names = self._index_zip() if self.zip else {}
        self.download = download
        self.dry_run = dry_run
        self.limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        self.stored = {}  # src → stored name (or a placeholder in a dry run)
        self.problems = {}  # src → reason
        self.written = []  # names stored by this run, removed if the import fails
        self.known = {}  # src → name stored by an earlier run (set by the importer)

    def _index_zip(self):
        names = {}
        for info in self.zip.infolist():
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            key = name.split("uploads/", 1)[1] if "uploads/" in name else name
            names[posixpath.normpath(key)] = info
        return names

    def absolute(self, src):
        return urljoin(self.site_url, src.strip())

    # Finding --------------------------------------------------------------------

    def _from_dir(self, path):
        for candidate in candidates(path):
            file = (self.media_dir / candidate).resolve()
            if file.is_relative_to(self.media_dir) and file.is_file():
                if file.stat().st_size > self.limit:
                    return None, "larger than MAX_UPLOAD_MB"
                return file.read_bytes(), None
        return None, None

    def _from_zip(self, path):
        for candidate in candidates(path):
            info = self.zip_names.get(candidate)
            if info is not None:
                if info.file_size > self.limit:
                    return None, "larger than MAX_UPLOAD_MB"
                with self.zip.open(info) as member:
                    return member.read(self.limit + 1), None
        return None, None

    def _download(self, url):
        if urlsplit(url).scheme not in ("http", "https"):
            return None, "not an http(s) address"
        opener = urllib.request.build_opener(_NoRedirectElsewhere)
        request = urllib.request.Request(url, headers={"User-Agent": "Vitrine importer"})
        try:
            with opener.open(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                data = response.read(self.limit + 1)
        except (OSError, ValueError) as error:
            return None, f"download failed ({error.__class__.__name__}: {error})"[:200]
        if len(data) > self.limit:
            return None, "larger than MAX_UPLOAD_MB"
        return data, None

    def find(self, src):
        """(bytes, None) or (None, why not)."""
        url = self.absolute(src)
        path = upload_path(url)
        reason = None
        if path and self.media_dir:
            data, reason = self._from_dir(path)
            if data is not None:
                return data, None
        if path and self.zip:
            data, reason = self._from_zip(path)
            if data is not None:
                return data, None
        if self.download:
            return self._download(url)
        if reason:
            return None, reason
        if self.media_dir or self.zip:
            return None, "not in the media folder"
        return None, "no media folder given (--media-dir or --download-media)"

    # Checking and storing ---------------------------------------------------------

    def store(self, src):
        """The stored name of the checked, re-encoded image at `src`, or None (see `problems`)."""
        if src in self.stored:
            return self.stored[src]
        if src in self.problems:
            return None
        if src in self.known and default_storage.exists(self.known[src]):
            self.stored[src] = self.known[src]
            return self.known[src]
        data, reason = self.find(src)
        if data is None:
            self.problems[src] = reason
            return None
        name = posixpath.basename(urlsplit(self.absolute(src)).path) or "image"
        if Path(name).suffix.lower() not in IMAGE_SUFFIXES:
            name += ".jpg"
        upload = SimpleUploadedFile(RESIZED.sub("", name), data)
        try:
            validate_image_file(upload)
        except ValidationError as error:
            self.problems[src] = "refused: " + " ".join(error.messages)
            return None
        if self.dry_run:
            self.stored[src] = name
            return name
        clean = reencode(upload)
        field = Figure._meta.get_field("image")
        stored = default_storage.save(field.generate_filename(None, clean.name), clean)
        self.written.append(stored)
        self.stored[src] = stored
        return stored

    def remove_written(self):
        """After a failed import: the files this run stored are deleted again."""
        for name in self.written:
            default_storage.delete(name)
        self.written = []

    def close(self):
        if self.zip:
            self.zip.close()
