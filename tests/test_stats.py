"""First-party statistics: what is counted, what is not, and what is never stored."""

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from blog.models import Page
from portfolio.core.stats import counting
from portfolio.core.stats.models import DailyCount
from portfolio.models import Profile
from tests.factories import make_post

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
VISITOR = {"HTTP_USER_AGENT": FIREFOX, "REMOTE_ADDR": "203.0.113.77"}


@pytest.fixture(autouse=True)
def _counts_written_at_once(settings):
    """Every counted view reaches the database on its own request (normally once a minute)."""
    settings.STATS_FLUSH_SECONDS = 0
    counting.flush()  # starts this test's buffer empty, and due
    yield
    counting.flush()


def counts(metric):
    return dict(DailyCount.objects.filter(metric=metric).values_list("key", "count"))


@pytest.fixture
def post():
    return make_post(title="Changer de métier", slug="changer-de-metier")


def test_a_cached_hit_counts_as_much_as_a_rendered_page(client, post):
    first = client.get("/blog/changer-de-metier/", **VISITOR)
    second = client.get("/blog/changer-de-metier/", **VISITOR)

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert counts("post") == {"changer-de-metier": 2}
    assert DailyCount.objects.get(metric="post").day == timezone.localdate()


def test_the_profile_and_pages_in_both_languages(client):
    Profile.objects.create(full_name="Ada Martin", headline="Scrum Master")
    Page.objects.create(title="À propos", slug="a-propos", status=Page.Status.PUBLISHED)

    for url in ("/profile/", "/en/profile/", "/en/profile/", "/a-propos/", "/"):
        assert client.get(url, **VISITOR).status_code == 200

    assert counts("profile") == {"": 3}
    assert counts("page") == {"a-propos": 1, "": 1}


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (Linux; Android 11) Chrome-Lighthouse",
        "UptimeRobot/2.0",
    ],
)
def test_robots_are_not_counted(client, post, user_agent):
    for _visit in range(2):
        assert client.get("/blog/changer-de-metier/", HTTP_USER_AGENT=user_agent).status_code == 200
    assert not DailyCount.objects.exists()


def test_head_requests_errors_and_staff_are_not_counted(client, admin_client, post):
    client.head("/blog/changer-de-metier/", **VISITOR)
    assert client.get("/blog/nothing-here/", **VISITOR).status_code == 404
    assert admin_client.get("/blog/changer-de-metier/", **VISITOR).status_code == 200
    assert not DailyCount.objects.exists()


def test_the_referring_site_is_its_domain_only(client, post, settings):
    settings.SITE_URL = "https://ada.example"
    for referer in (
        "https://www.linkedin.com/feed/update/urn:li:activity:7?trk=abc",
        "https://WWW.LinkedIn.com:443/in/someone/",
        "https://ada.example/blog/",  # our own pages
        "android-app://com.google.android.gm/",
    ):
        client.get("/blog/changer-de-metier/", HTTP_REFERER=referer, **VISITOR)

    assert counts("referrer") == {"www.linkedin.com": 2}
    assert counts("post") == {"changer-de-metier": 4}
    stored = " ".join(DailyCount.objects.values_list("key", flat=True))
    assert "feed" not in stored and "trk" not in stored and "urn" not in stored


def test_search_terms_are_counted_normalised(client, post):
    client.get("/blog/search/", {"q": "  Scrum   MASTER "}, **VISITOR)
    client.get("/blog/search/", {"q": "scrum master"}, **VISITOR)
    client.get("/blog/search/", {"q": "x" * 500}, **VISITOR)
    client.get("/blog/search/", {"q": "   "}, **VISITOR)
    client.get("/blog/search/", **VISITOR)

    assert counts("search") == {"scrum master": 2, "x" * counting.SEARCH_TERM_LENGTH: 1}


def test_downloads_are_counted_by_file_type(client):
    Profile.objects.create(full_name="Ada Martin", headline="Scrum Master")
    for url in ("/profile/resume.json", "/en/profile/resume.json", "/profile/vcard.vcf"):
        assert client.get(url, **VISITOR).status_code == 200

    assert counts("download") == {"json": 2, "vcard": 1}


def test_no_address_cookie_or_identifier_is_stored(client, post):
    client.get("/blog/changer-de-metier/", HTTP_REFERER="https://news.example/", **VISITOR)
    response = client.get("/blog/search/", {"q": "agile"}, **VISITOR)
    assert DailyCount.objects.count() == 3
    assert not response.cookies

    everything = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            everything += [str(value) for row in cursor.fetchall() for value in row]
    dump = "\n".join(everything)
    assert "203.0.113.77" not in dump
    assert FIREFOX not in dump and "Firefox" not in dump


def test_a_broken_store_loses_the_view_and_serves_the_page(client, post):
    with mock.patch.object(counting, "write", side_effect=RuntimeError("database down")):
        response = client.get("/blog/changer-de-metier/", **VISITOR)
    assert response.status_code == 200 and "Changer de métier" in response.content.decode()
    assert not DailyCount.objects.exists()

    with mock.patch.object(counting, "counters_for", side_effect=RuntimeError("bug")):
        assert client.get("/blog/changer-de-metier/", **VISITOR).status_code == 200


def test_counting_off_counts_nothing(client, post):
    with override_settings(STATS_ENABLED=False):
        client.get("/blog/changer-de-metier/", **VISITOR)
    assert not DailyCount.objects.exists()


def test_counts_are_kept_for_the_retention_and_then_purged(client, post, settings):
    settings.STATS_RETENTION_DAYS = 30
    first = timezone.localtime() + timedelta(days=1)
    for days_later in (0, 29):
        with time_machine.travel(first + timedelta(days=days_later)):
            client.get("/blog/changer-de-metier/", **VISITOR)
    assert DailyCount.objects.count() == 2  # the first day is the 30th back: still kept

    with time_machine.travel(first + timedelta(days=30)):
        client.get("/blog/changer-de-metier/", **VISITOR)
    assert sorted(DailyCount.objects.values_list("day", flat=True)) == [
        (first + timedelta(days=29)).date(),
        (first + timedelta(days=30)).date(),
    ]


def test_the_privacy_notice_says_what_is_counted_and_for_how_long(client, settings):
    Page.objects.create(
        title="Confidentialité",
        slug="confidentialite",
        status=Page.Status.PUBLISHED,
        kind=Page.Kind.PRIVACY_NOTICE,
    )
    settings.STATS_RETENTION_DAYS = 730
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/confidentialite/").text))
    section = text.split("Statistiques de visite")[1].split("Cookies")[0]
    assert "2 ans" in section
    assert "aucun cookie" in section and "adresse IP" in section

    settings.STATS_RETENTION_DAYS = 90
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/confidentialite/").text))
    assert "90 jours" in text.split("Statistiques de visite")[1].split("Cookies")[0]


def test_the_dashboard_shows_the_last_30_days(client, admin_client, post):
    Profile.objects.create(full_name="Ada Martin", headline="Scrum Master")
    client.get("/blog/changer-de-metier/", HTTP_REFERER="https://www.linkedin.com/feed/", **VISITOR)
    client.get("/blog/changer-de-metier/", **VISITOR)
    client.get("/profile/", **VISITOR)
    client.get("/profile/vcard.vcf", **VISITOR)
    client.get("/blog/search/", {"q": "Scrum <b>master</b>"}, **VISITOR)
    DailyCount.objects.create(
        day=timezone.localdate() - timedelta(days=30),
        metric="post",
        key="changer-de-metier",
        count=50,
    )  # 31 days ago: outside

    html = admin_client.get("/admin/").content.decode()
    stats = re.search(
        r'<section[^>]*id="statistics".*?</section>\s*</div>\s*</section>', html, re.S
    )
    assert stats
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", stats.group(0)))
    assert "3 vues sur les 30 derniers jours" in text
    assert re.search(r"changer-de-metier 2 ", text) and re.search(r"Profil 1 ", text)
    assert "www.linkedin.com 1" in text and "Carte de contact (vCard) 1" in text
    assert "scrum &lt;b&gt;master&lt;/b&gt;" in stats.group(0)  # escaped, as typed
    assert '<polyline points="' in stats.group(0) and "style=" not in stats.group(0)


def test_the_purge_command_deletes_what_is_past_the_retention(settings):
    settings.STATS_RETENTION_DAYS = 7
    today = timezone.localdate()
    for days_ago in (0, 6, 7, 400):
        DailyCount.objects.create(day=today - timedelta(days=days_ago), metric="post", count=1)
    out = io.StringIO()
    call_command("purge_statistics", stdout=out)
    assert "2 " in out.getvalue()
    assert sorted(DailyCount.objects.values_list("day", flat=True)) == [
        today - timedelta(days=6),
        today,
    ]
