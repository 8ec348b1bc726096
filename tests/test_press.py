"""What others wrote about the person: the press section of the profile, and posts
republished with credit (their canonical link and JSON-LD point at the original)."""

import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portfolio import demo
from portfolio.models import PressMention, Profile

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
ORIGINAL = "https://www.en-contact.example.com/2016/10/interview-nathalie-rousseau"


@pytest.fixture
def profile(db):
    demo.load(io.StringIO())
    return Profile.objects.get()


def person_of(html):
    (page,) = [json.loads(block) for block in LD_JSON.findall(html)]
    return page["mainEntity"]


def test_the_profile_shows_the_press_in_the_authors_order(client, profile):
    html = client.get("/profile/").content.decode()
    section = html[html.index('id="press-title"') :]
    assert "Ils parlent de moi" in section
    first = section.index("Nathalie Rousseau, du support au produit")
    second = section.index("Product Owner à l’hôpital : trois leçons")
    assert first < second
    assert "Dix ans de support m’ont appris à écouter avant de construire." in section
    assert 'href="https://en-contact.example.com/portraits/nathalie-rousseau"' in section


def test_the_press_is_the_persons_subject_of_in_the_json_ld(client, profile):
    person = person_of(client.get("/en/profile/").content.decode())
    assert person["subjectOf"] == [
        {
            "@type": "Article",
            "name": "Nathalie Rousseau, du support au produit",
            "headline": "Nathalie Rousseau, du support au produit",
            "publisher": {"@type": "Organization", "name": "En-Contact"},
            "datePublished": "2016-10-21",
            "url": "https://en-contact.example.com/portraits/nathalie-rousseau",
        },
        {
            "@type": "Article",
            "name": "Product Owner à l’hôpital : trois leçons",
            "headline": "Product Owner à l’hôpital : trois leçons",
            "publisher": {"@type": "Organization", "name": "Medium"},
            "datePublished": "2022-05-12",
            "url": "https://medium.example.com/@demo/product-owner-a-l-hopital",
        },
    ]


def profile_page_and_its_queries(client):
    """The profile page's HTML and its own queries (the frame, menus and all, may add some)."""
    # Another address of the same page, never stored: rendered each time.
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/profile/?page=1").content.decode()
    return html, [query for query in queries.captured_queries if '"portfolio_' in query["sql"]]


def test_the_press_costs_the_profile_page_no_query_whatever_its_length(client, profile):
    client.get("/profile/")  # what the process keeps for good (the Site) is read once
    _html, few = profile_page_and_its_queries(client)
    # The profile, then all its lists with the press in one query.
    assert len(few) == 2
    for number in range(10):
        PressMention.objects.create(
            profile=profile, title=f"Article {number}", publication="Le Progrès", sort_order=9
        )
    html, many = profile_page_and_its_queries(client)
    assert "Article 9" in html
    assert len(many) == len(few)


def test_press_articles_are_ordered_by_hand_in_the_admin(admin_client, profile):
    first, second = PressMention.objects.order_by("sort_order", "pk")
    form = admin_client.get(f"/admin/portfolio/profile/{profile.pk}/change/").content.decode()
    assert "Ils parlent de moi" in form
    admin_client.post(f"/admin/portfolio/pressmention/{second.pk}/move/", {"direction": "up"})
    assert list(PressMention.objects.all()) == [second, first]
    html = admin_client.get("/profile/").content.decode()
    assert html.index(second.title) < html.index(first.title)


def test_a_republished_post_points_its_canonical_and_json_ld_at_the_original(client, make_post):
    post = make_post(
        title="Du support au produit",
        slug="du-support-au-produit",
        text="<p>Entretien.</p>",
        first_published_in="En-Contact",
        first_published_url=ORIGINAL,
        first_published_at=timezone.make_aware(datetime.datetime(2016, 10, 21, 9, 0)),
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{ORIGINAL}">' in html
    assert "Publié initialement sur" in html and "En-Contact</a> le 21 octobre 2016" in html
    posting = next(
        data
        for data in map(json.loads, LD_JSON.findall(html))
        if data.get("@type") == "BlogPosting"
    )
    assert posting["isBasedOn"] == ORIGINAL and posting["sameAs"] == ORIGINAL


def test_a_post_of_this_site_keeps_its_own_canonical(client, make_post):
    post = make_post(slug="un-billet-d-ici", text="<p>Ici.</p>")
    html = client.get(post.get_absolute_url()).content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert canonical.endswith(post.get_absolute_url()) and canonical.startswith("http")
    assert "isBasedOn" not in html
