"""The WordPress export bench/import_wordpress generates: well-formed, as asked, the same each time."""

import hashlib

from bench import wordpress_export
from portfolio.importers import wxr


def digest(folder):
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in files
    }


def test_export_has_the_counts_asked_and_every_reference_resolves(tmp_path):
    summary = wordpress_export.generate(tmp_path, posts=30, comments=200, images=50)

    counts = wordpress_export.read(tmp_path)  # raises on a reference to nothing

    assert counts["post"] == 30
    assert counts["attachment"] == 50
    assert counts["comments"] == 200
    assert counts["page"] >= 4
    assert summary.threaded_replies > 0
    for status in ("comment 1", "comment 0", "comment spam", "comment trash"):
        assert counts[status] > 0, status
    assert counts.get("comment pingback", 0) + counts.get("comment trackback", 0) > 0
    images = list((tmp_path / "wp-content" / "uploads").rglob("*.*"))
    assert len(images) == 50
    assert {image.suffix for image in images} == {".jpg", ".png"}


def test_export_is_the_same_for_the_same_seed(tmp_path):
    wordpress_export.generate(tmp_path / "a", posts=10, comments=40, images=12)
    wordpress_export.generate(tmp_path / "b", posts=10, comments=40, images=12)
    wordpress_export.generate(tmp_path / "c", posts=10, comments=40, images=12, seed=14)

    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_the_importer_reads_the_export(tmp_path):
    wordpress_export.generate(tmp_path, posts=20, comments=100, images=30)
    export = tmp_path / "export.xml"

    channel = wxr.read_channel(export)
    items = list(wxr.items(export))

    assert channel.site_url == wordpress_export.SITE
    assert len(channel.attachments) == 30
    assert sum(item.type == "post" for item in items) == 20
    assert sum(len(item.comments) for item in items) == 100
