"""Finding an imported post's images, checking them like an admin upload, storing them once.

Where an image is looked for, in order:

1. a copy of `wp-content/uploads` (`--media-dir`, or the .zip given in the
   admin), by the path after `/wp-content/uploads/` (WordPress.com's
   `files.wordpress.com/2016/10/x.jpg` too). WordPress's resized copies
   (`photo-300x200.jpg`, `photo-scaled.jpg`) lead to the original
   (`photo.jpg`) when it is there, else to the copy itself;
2. with `download`, the URL itself: http(s) only, a timeout, at most
   MAX_UPLOAD_MB (the admin's upload limit) read, redirects to http(s) only,
   and never to a private, loopback or link-local address (see `GuardedConnection`).

Every file then goes through `validate_image_file` and `reencode`, exactly
what `SafeImageField` does to an upload in the admin, and is stored once per
import run: the same photo in three posts is one file, and so is a photo asked for
at three sizes (`photo-300x200.jpg`, `photo-1024x683.jpg`, `photo.jpg` all find
`photo.jpg`): files are told apart by their bytes, not by the address that led to them.
"""

import hashlib
import http.client
import ipaddress
import posixpath
import re
import socket
import ssl
import time
import urllib.error
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

DOWNLOAD_TIMEOUT_SECONDS = 15  # each connect and read
DOWNLOAD_DEADLINE_SECONDS = 60  # a whole file: a server dripping a byte at a time stops here
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


class BlockedAddress(OSError):
    """The host of an image URL resolves to an address an import must not reach."""


def may_reach(address):
    """Whether a download may connect to `address`: public ones, and the networks in
    IMPORT_DOWNLOAD_ALLOWED_NETWORKS (empty by default).

    An export names any URL it likes: without this, `http://127.0.0.1:6379/` or the
    cloud's metadata address (169.254.169.254) would be fetched from inside the machine.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(
        ip in ipaddress.ip_network(network, strict=False)
        for network in settings.IMPORT_DOWNLOAD_ALLOWED_NETWORKS
    ):
        return True
    return ip.is_global and not ip.is_multicast


def guarded_socket(host, port, timeout):
    """A socket connected to `host`, after every address it resolves to was checked.

    The check and the connection use the same resolved address, so a name that
    resolves to a public address for the check and a private one for the connection
    (DNS rebinding) gets nowhere.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_rest, sockaddr in infos:
        if not may_reach(sockaddr[0]):
            raise BlockedAddress(f"{host} is a private, loopback or link-local address")
    error = OSError(f"cannot resolve {host}")
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
            return sock
        except OSError as failed:
            sock.close()
            error = failed
    raise error


class GuardedConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = guarded_socket(self.host, self.port, self.timeout)


class GuardedSecureConnection(http.client.HTTPSConnection):
    context = ssl.create_default_context()

    def connect(self):
        sock = guarded_socket(self.host, self.port, self.timeout)
        self.sock = self.context.wrap_socket(sock, server_hostname=self.host)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(GuardedConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(GuardedSecureConnection, req)


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
        self.stored_bytes = {}  # digest of the bytes found → stored name
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
        # No proxy from the environment: the address checked must be the one connected to.
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            _GuardedHTTPHandler,
            _GuardedHTTPSHandler,
            _NoRedirectElsewhere,
        )
        request = urllib.request.Request(url, headers={"User-Agent": "Vitrine importer"})
        try:
            with opener.open(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.limit:
                    return None, "larger than MAX_UPLOAD_MB"
                data = self._read_until_deadline(response)
        except urllib.error.HTTPError as error:
            return None, f"download failed: HTTP {error.code}"
        except urllib.error.URLError as error:
            if isinstance(error.reason, BlockedAddress):
                return None, f"refused: {error.reason}"
            return None, f"download failed ({error.reason})"[:200]
        except (OSError, ValueError, http.client.HTTPException) as error:
            return None, f"download failed ({error.__class__.__name__}: {error})"[:200]
        if data is None:
            return None, f"download failed (longer than {DOWNLOAD_DEADLINE_SECONDS} s)"
        if len(data) > self.limit:
            return None, "larger than MAX_UPLOAD_MB"
        return data, None

    def _read_until_deadline(self, response):
        """At most limit + 1 bytes, or None when the whole file takes too long."""
        deadline = time.monotonic() + DOWNLOAD_DEADLINE_SECONDS
        chunks, size = [], 0
        while size <= self.limit:
            chunk = response.read(min(64 * 1024, self.limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() > deadline:
                return None
        return b"".join(chunks)

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
        digest = hashlib.sha256(data).digest()
        if digest in self.stored_bytes:
            self.stored[src] = self.stored_bytes[digest]
            return self.stored[src]
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
            self.stored[src] = self.stored_bytes[digest] = name
            return name
        clean = reencode(upload)
        field = Figure._meta.get_field("image")
        stored = default_storage.save(field.generate_filename(None, clean.name), clean)
        self.written.append(stored)
        self.stored[src] = self.stored_bytes[digest] = stored
        return stored

    def remove_written(self):
        """After a failed import: the files this run stored are deleted again."""
        for name in self.written:
            default_storage.delete(name)
        self.written = []

    def close(self):
        if self.zip:
            self.zip.close()
