"""`import_wordpress --download-media`: images fetched from their URL, on a server of the test's own.

The server listens on 127.0.0.1, an address an import must never reach unless a
setting allows it: the tests that fetch allow it, and one test checks that
without the setting nothing is fetched at all.
"""

import functools
import http.server
import shutil
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from blog.models import Figure, Post, RichText
from portfolio.importers.media import may_reach

UPLOADS = Path(__file__).parent / "data" / "wordpress" / "uploads" / "2016" / "10"

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Ailleurs</title><link>https://ailleurs.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://ailleurs.example</wp:base_site_url>
  <item>
    <title>Des images venues d’ailleurs</title>
    <link>https://ailleurs.example/des-images/</link>
    <content:encoded><![CDATA[Le début.

[caption id="" align="aligncenter" width="300"]<img src="{base}/pont.jpg" alt="Le pont sous la brume" /> Le pont Mirabeau © Edouard Jacquinet[/caption]

[caption id="" width="300"]<img src="{base}/notes.jpg" alt="Un faux schéma" /> Une légende qui reste[/caption]

<img src="{base}/enorme.jpg" alt="Une photo trop lourde" />

<img src="{base}/disparue.jpg" alt="Une photo disparue" />

<img src="ftp://127.0.0.1/ailleurs.jpg" alt="Une photo par FTP" />]]></content:encoded>
    <wp:post_id>1</wp:post_id>
    <wp:post_date_gmt>2020-05-04 08:00:00</wp:post_date_gmt>
    <wp:post_name>des-images</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
</channel>
</rss>
"""


@pytest.fixture
def image_server(tmp_path):
    """http://127.0.0.1:PORT serving a folder: a photo, a text file named .jpg, a 1.5 MB file."""
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(UPLOADS / "pont.jpg", served / "pont.jpg")
    (served / "notes.jpg").write_text("Ceci n’est pas une image.\n" * 20)
    (served / "enorme.jpg").write_bytes((UPLOADS / "pont.jpg").read_bytes() + b"\0" * 1_500_000)
    handler = functools.partial(
        _QuietHandler, directory=str(served)
    )  # a thread of its own: the import's urlopen blocks the test thread
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.requests = []
    yield server
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        self.server.requests.append(self.path)


def import_from(server, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(WXR.replace("{base}", f"http://127.0.0.1:{server.server_port}"))
    out = StringIO()
    call_command("import_wordpress", str(export), "--download-media", stdout=out)
    return out.getvalue()


@pytest.fixture
def local_server_allowed(settings):
    settings.IMPORT_DOWNLOAD_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.MAX_UPLOAD_MB = 1


def test_an_image_is_fetched_and_stored_through_the_upload_checks(
    db, image_server, tmp_path, local_server_allowed
):
    report = import_from(image_server, tmp_path)
    post = Post.objects.get(slug="des-images")
    figure = Figure.objects.get(parent=post)
    assert (figure.alt, figure.caption, figure.credit) == (
        "Le pont sous la brume",
        "Le pont Mirabeau",
        "© Edouard Jacquinet",
    )
    assert figure.image.name.endswith(".jpg") and figure.image.storage.exists(figure.image.name)
    # Re-encoded like an admin upload: not the served bytes.
    assert figure.image.read() != (UPLOADS / "pont.jpg").read_bytes()
    assert "pont.jpg" not in report


def test_what_is_not_an_image_is_refused_and_named_and_its_text_stays(
    db, image_server, tmp_path, local_server_allowed, client
):
    report = import_from(image_server, tmp_path)
    base = f"http://127.0.0.1:{image_server.server_port}"
    lines = {line.split(" (in ")[0]: line for line in report.splitlines()}
    assert "refused: " in lines[f"image not found: {base}/notes.jpg"]
    assert "larger than MAX_UPLOAD_MB" in lines[f"image not found: {base}/enorme.jpg"]
    assert "HTTP 404" in lines[f"image not found: {base}/disparue.jpg"]
    assert "not an http(s) address" in lines["image not found: ftp://127.0.0.1/ailleurs.jpg"]
    post = Post.objects.get(slug="des-images")
    text = "".join(RichText.objects.filter(parent=post).values_list("text", flat=True))
    for kept in (
        "[Un faux schéma] Une légende qui reste",
        "[Une photo trop lourde]",
        "[Une photo disparue]",
        "[Une photo par FTP]",
    ):
        assert kept in text
    assert "Une légende qui reste" in client.get(post.get_absolute_url()).content.decode()


def test_a_private_address_is_never_fetched_without_the_setting(db, image_server, tmp_path):
    report = import_from(image_server, tmp_path)
    assert image_server.requests == []  # not even a connection that got as far as a request
    assert "127.0.0.1 is a private, loopback or link-local address" in report
    assert not Figure.objects.exists()
    assert "[Le pont sous la brume]" in "".join(RichText.objects.values_list("text", flat=True))


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1", "fe80::1",
     "::ffff:127.0.0.1", "100.64.0.1", "0.0.0.0", "fc00::1"],
)  # fmt: skip
def test_internal_addresses_are_refused(address, settings):
    settings.IMPORT_DOWNLOAD_ALLOWED_NETWORKS = []
    assert not may_reach(address)


def test_public_addresses_and_allowed_networks_are_reached(settings):
    settings.IMPORT_DOWNLOAD_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert may_reach("93.184.215.14") and may_reach("2606:2800:21f:cb07::1")
    assert may_reach("10.1.2.3") and not may_reach("192.168.0.10")
