"""Importing a Medium archive: through the command and through the admin page.

The archive is built in each test from tests/data/medium/ (an unzipped export).
Images are served by a local HTTP server on 127.0.0.1: the tests never reach Medium.
"""

import io
import os
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from blog.models import Figure, Post, PullQuote, RichText
from portfolio.importers.models import ImportedObject
from tests.conftest import pass_second_factor

EXPORT = Path(__file__).parent / "data" / "medium"
MEDIUM_CDN = "https://cdn-images-1.medium.com"
FULL_POST = "5f1c2a9b7e3d"
DRAFT = "3a4b5c6d7e8f"
RESPONSE = "9f8e7d6c5b4a"
WORKSHOP = "7b8c9d0e1f2a"


def build_archive(path, image_host=None, extra=None, only=None, prefix=""):
    """Zip the fixture export into `path`; `image_host` replaces Medium's CDN in the posts."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(EXPORT.rglob("*.html")):
            name = file.relative_to(EXPORT).as_posix()
            if only is not None and not any(key in name for key in only):
                continue
            text = file.read_text()
            if image_host:
                text = text.replace(MEDIUM_CDN, image_host)
            archive.writestr(prefix + name, text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def run(*args):
    out = io.StringIO()
    call_command("import_medium", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def photo_bytes(fmt="JPEG", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 180, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


class ImageServer:
    """Serves `routes[path] = (content_type, bytes)`, and records what was asked for."""

    def __init__(self):
        self.routes = {}
        self.requested = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requested.append(self.path)
                content_type, body = server.routes.get(self.path, ("text/plain", None))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def image_server(settings):
    # Downloads never reach loopback addresses, except those a test allows.
    settings.IMPORT_DOWNLOAD_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = ImageServer()
    yield server
    server.close()


# Through the command ------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path):
    return build_archive(tmp_path / "medium-export.zip")


def test_published_post_keeps_title_standfirst_date_and_every_kind_of_block(db, client, archive):
    output = run(archive)

    post = Post.objects.get(title="Ce que j’ai appris en dix ans de produit")
    assert post.status == Post.Status.PUBLISHED
    assert post.standfirst == "Dix leçons, de la discovery aux roadmaps & retour"
    assert post.published_at.isoformat() == "2019-04-02T08:12:44.123000+00:00"
    assert post.first_published_in == "Medium"
    assert post.first_published_url == (
        "https://medium.com/@claire.martin/ce-que-jai-appris-en-dix-ans-de-produit-5f1c2a9b7e3d"
    )
    page = client.get(post.get_absolute_url()).content.decode()
    # Medium's h3/h4 become the post's h2/h3; the title is not repeated as a heading.
    assert "<h2" in page and "La discovery d’abord</h2>" in page
    assert "Parler aux clients chaque semaine</h3>" in page
    assert page.count("Ce que j’ai appris en dix ans de produit</h") == 1  # the h1 only
    assert "<strong>bon produit</strong>" in page and "<em>tort</em>" in page
    assert 'href="https://example.org/etude"' in page
    assert "javascript:" not in page and "Un lien piégé" in page
    assert "Une heure par semaine suffit &lt;vraiment&gt;." in page
    assert "<li>Des horizons, pas des dates</li>" in page and "<li>Mesurer</li>" in page
    assert "Merci de m’avoir lue jusqu’ici." in page
    quotes = set(PullQuote.objects.filter(parent=post).values_list("quote", flat=True))
    assert quotes == {
        "Le problème n’est jamais là où on le cherche.",
        "Une roadmap est une promesse, pas un planning.",
    }
    # Not downloaded: the caption stays in the post, the image is in the report.
    assert not Figure.objects.filter(parent=post).exists()
    assert "Le tableau des hypothèses, après trois semaines" in page
    assert "https://cdn-images-1.medium.com/max/1600/1*Qm7yTt3b2Lx0aHc9dW1kSg.png" in output, output
    assert "--download-media" in output


def test_public_page_says_first_published_on_medium_with_the_link(db, client, archive):
    run(archive)
    post = Post.objects.get(first_published_url__endswith="-5f1c2a9b7e3d")
    link = f'<a href="{post.first_published_url}">Medium</a>'

    french = client.get(post.get_absolute_url()).content.decode()
    assert f"Publié initialement sur {link} le 2 avril 2019" in french
    english = client.get("/en" + post.get_absolute_url()).content.decode()
    assert f"First published on {link} on April 2, 2019" in english


def test_draft_stays_a_draft_and_the_response_is_skipped_and_counted(db, client, archive):
    output = run(archive)

    draft = Post.objects.get(title="Les roadmaps sans dates")
    assert draft.status == Post.Status.DRAFT
    assert draft.first_published_in == ""
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert not Post.objects.filter(title__startswith="Tout à fait d’accord").exists()
    assert "skipped: 1 × a response to another story" in output, output
    assert Post.objects.count() == 3


def test_running_again_changes_and_duplicates_nothing(db, archive):
    run(archive)
    before = list(Post.objects.order_by("pk").values("pk", "slug", "modified_at"))
    blocks_before = RichText.objects.count()

    output = run(archive)

    assert list(Post.objects.order_by("pk").values("pk", "slug", "modified_at")) == before
    assert RichText.objects.count() == blocks_before
    assert "post: 0 imported, 0 updated, 3 unchanged" in output, output


def test_a_story_edited_on_medium_is_updated_in_place(db, tmp_path, archive):
    run(archive)
    post = Post.objects.get(title="Un atelier en images")
    # What the author changed here stays: the address they chose, the draft they published.
    Post.objects.filter(pk=post.pk).update(slug="mon-atelier")
    Post.objects.filter(title="Les roadmaps sans dates").update(status=Post.Status.PUBLISHED)
    changed = tmp_path / "later.zip"
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(changed, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if WORKSHOP in info.filename:
                data = data.replace(b"Voici le mur", "Voilà le mur".encode())
            if DRAFT in info.filename:
                data = data.replace("(à finir)".encode(), b"(presque fini)")
            new.writestr(info, data)

    output = run(changed)

    assert Post.objects.count() == 3
    post.refresh_from_db()
    assert "Voilà le mur" in RichText.objects.get(parent=post).text
    assert post.slug == "mon-atelier"
    draft = Post.objects.get(title="Les roadmaps sans dates")
    assert "(presque fini)" in RichText.objects.get(parent=draft).text
    assert draft.status == Post.Status.PUBLISHED
    assert "post: 0 imported, 2 updated, 1 unchanged" in output, output


def test_dry_run_prints_the_report_and_writes_nothing(db, archive):
    output = run(archive, "--dry-run")

    assert Post.objects.count() == 0
    assert ImportedObject.objects.count() == 0
    assert "post: 3 imported" in output and "dry run" in output, output


def test_an_archive_zipped_again_from_its_unzipped_folder_is_read(db, tmp_path):
    run(build_archive(tmp_path / "again.zip", prefix="medium-export/"))

    assert Post.objects.count() == 3


# Refusals: nothing written, a non-zero exit, one clear line ---------------------------


def assert_refused(path, message):
    with pytest.raises(CommandError) as refused:
        run(path)
    assert message in str(refused.value), str(refused.value)
    assert Post.objects.count() == 0
    assert ImportedObject.objects.count() == 0


def test_a_file_that_is_not_a_zip_is_refused(db, tmp_path):
    path = tmp_path / "export.zip"
    path.write_text("<html>not a zip</html>")
    assert_refused(path, "not a zip archive")


def test_a_zip_without_posts_is_refused(db, tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("profile/profile.html", "<html></html>")
        archive.writestr("IMG_0001.jpg", photo_bytes())
    assert_refused(path, "no posts/ folder")


def test_a_zip_bomb_is_refused_before_it_is_read(db, tmp_path):
    # 50 MB of spaces compress to about 50 kB: a ratio no Medium post has.
    path = build_archive(
        tmp_path / "bomb.zip", extra={"posts/2020-01-01_Bomb-0123456789ab.html": " " * 50 * 2**20}
    )
    assert_refused(path, "2020-01-01_Bomb-0123456789ab.html")


def test_a_huge_post_is_refused_before_it_is_read(db, tmp_path):
    # Random-looking text does not compress: the member's size alone is refused.
    path = build_archive(
        tmp_path / "huge.zip",
        extra={"posts/2020-01-01_Huge-0123456789ab.html": os.urandom(6 * 2**20).hex()},
    )
    assert_refused(path, "2020-01-01_Huge-0123456789ab.html")


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "nowhere.zip")


# Images ---------------------------------------------------------------------------------


def test_download_media_fetches_the_images_through_the_upload_checks(
    db, client, tmp_path, image_server
):
    image_server.routes["/max/800/1*Xy3Ab9QeLm2.jpeg"] = ("image/jpeg", photo_bytes())
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    image_server.routes["/max/800/1*Qm7yTt3b2Lx0aHc9dW1kSg.png"] = ("image/png", svg)
    path = build_archive(tmp_path / "export.zip", image_host=image_server.url)

    output = run(path, "--download-media")

    post = Post.objects.get(title="Un atelier en images")
    figure = Figure.objects.get(parent=post)
    assert figure.alt == "Un mur couvert de post-it jaunes"
    assert figure.caption == "Le mur de post-it à la fin de l’atelier"
    assert figure.image.width == 64
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="Un mur couvert de post-it jaunes"' in page
    assert '<span class="figure__caption">Le mur de post-it à la fin de l’atelier</span>' in page
    # The SVG is refused as an admin upload would be; its caption stays in the post.
    assert "SVG" in output and "1*Qm7yTt3b2Lx0aHc9dW1kSg.png" in output, output
    other = Post.objects.get(first_published_url__endswith="-5f1c2a9b7e3d")
    assert not Figure.objects.filter(parent=other).exists()
    assert "Le tableau des hypothèses" in client.get(other.get_absolute_url()).content.decode()

    # A second run fetches nothing again.
    image_server.requested.clear()
    run(path, "--download-media")
    assert "/max/800/1*Xy3Ab9QeLm2.jpeg" not in image_server.requested


# Through the admin page -----------------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "claire", password="x", is_staff=True, is_superuser=True
    )
    pass_second_factor(client, user)
    return client


def test_admin_page_imports_the_archive_and_shows_the_report(staff_client, archive):
    url = reverse("admin_import", args=["medium"])
    assert url in staff_client.get(reverse("admin:index")).content.decode()
    assert "Importer depuis Medium" in staff_client.get(url).content.decode()

    with open(archive, "rb") as upload:
        page = staff_client.post(url, {"archive": upload}).content.decode()

    post = Post.objects.get(title="Ce que j’ai appris en dix ans de produit")
    assert f'<a href="{post.get_absolute_url()}">{post.title}</a>' in page
    assert "une réponse à l’article de quelqu’un d’autre" in page
    assert "Tout à fait d’accord sur le premier point…" in page
    assert "1*Qm7yTt3b2Lx0aHc9dW1kSg.png" in page
    assert "non téléchargée (relancez avec --download-media)" in page
    assert Post.objects.filter(status=Post.Status.DRAFT, title="Les roadmaps sans dates").exists()


def test_admin_page_downloads_images_when_asked(staff_client, tmp_path, image_server):
    image_server.routes["/max/800/1*Xy3Ab9QeLm2.jpeg"] = ("image/jpeg", photo_bytes())
    path = build_archive(tmp_path / "export.zip", image_host=image_server.url, only=[WORKSHOP])

    with open(path, "rb") as upload:
        staff_client.post(
            reverse("admin_import", args=["medium"]), {"archive": upload, "download_media": "on"}
        )

    figure = Figure.objects.get(parent__title="Un atelier en images")
    assert figure.caption == "Le mur de post-it à la fin de l’atelier"


def test_admin_page_dry_run_writes_nothing(staff_client, archive):
    with open(archive, "rb") as upload:
        page = staff_client.post(
            reverse("admin_import", args=["medium"]), {"archive": upload, "dry_run": "on"}
        ).content.decode()

    assert "essai à blanc, rien n’a été enregistré" in page
    assert Post.objects.count() == 0


def test_admin_page_refuses_a_file_that_is_not_a_zip_in_one_line(staff_client):
    upload = io.BytesIO(b"<?xml version='1.0'?><rss></rss>")
    upload.name = "export.xml"

    page = staff_client.post(reverse("admin_import", args=["medium"]), {"archive": upload})

    assert "Ce fichier n’est pas une archive zip." in page.content.decode()
    assert Post.objects.count() == 0


# "First published elsewhere", for any post ------------------------------------------------


def test_first_published_elsewhere_without_address_or_date_is_plain_escaped_text(db, client):
    post = Post.objects.create(
        title="Republié",
        slug="republie",
        status=Post.Status.PUBLISHED,
        first_published_in="<b>Le Monde</b>",
    )

    page = client.get(post.get_absolute_url()).content.decode()

    assert "Publié initialement sur &lt;b&gt;Le Monde&lt;/b&gt;</p>" in page
    plain = Post.objects.create(title="Ici d’abord", slug="ici", status=Post.Status.PUBLISHED)
    assert "Publié initialement" not in client.get(plain.get_absolute_url()).content.decode()


def test_post_admin_edits_where_a_post_was_first_published(staff_client):
    form = staff_client.get(reverse("admin:blog_post_add")).content.decode()

    assert "Publié d’abord ailleurs" in form
    for name in ("first_published_in", "first_published_url", "first_published_at_0"):
        assert f'name="{name}"' in form
