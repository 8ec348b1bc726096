"""The author writes a post in the admin; a visitor reads it on a phone."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from blog.models import Post
from tests.conftest import in_every_view, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photos(tmp_path):
    colours = [(180, 90, 60), (60, 120, 160), (90, 150, 80), (200, 170, 60)]
    paths = []
    for index, colour in enumerate(colours):
        path = Path(tmp_path) / f"photo-{index}.jpg"
        Image.new("RGB", (1400, 900), colour).save(path, format="JPEG")
        paths.append(str(path))
    return paths


@pytest.fixture
def author_page(open_page):
    """At desktop size, where the admin's post form is laid out."""
    return open_page(width=1280)


def add_block(page, prefix):
    page.locator(".order-machine-insert-target.last").click()
    page.locator(f".plugin-button[data-plugin-prefix='{prefix}']").first.click()
    return page.locator(f".dynamic-{prefix}").last


def type_rich_text(block, words):
    editor = block.locator("[contenteditable=true]")
    editor.click()
    editor.type(words)


def test_author_writes_schedules_previews_publishes_and_a_visitor_reads_it(
    author_page, open_page, browser, live_server, admin_user, photos
):
    page = author_page
    log_in_to_admin(page, admin_user, "password")

    page.goto("/admin/blog/post/add/")
    page.fill("#id_title", "Une journée au service des urgences informatiques")
    page.fill("#id_standfirst", "Ce que l’on apprend quand tout tombe en panne en même temps.")
    assert page.input_value("#id_slug") == "une-journee-au-service-des-urgences-informatiques"
    page.set_input_files("#id_cover", photos[0])
    page.fill("#id_cover_alt", "Un écran d’ordinateur éteint sur un bureau")
    page.fill("#id_cover_caption", "Le poste de garde, à 7 h.")
    page.fill("#id_cover_credit", "© Nathalie Rousseau")

    text = add_block(page, "blog_richtext_set")
    type_rich_text(text, "Tout commence par un appel à 7 h 02 : plus rien ne s’imprime.")

    figure = add_block(page, "blog_figure_set")
    figure.locator("input[type=file]").set_input_files(photos[1])
    figure.locator("input[name$='-alt']").fill("Une imprimante ouverte, un bourrage papier")
    figure.locator("textarea[name$='-caption']").fill("Le coupable : un trombone.")
    figure.locator("input[name$='-credit']").fill("Source : Wikipédia")

    for index in (2, 3):
        photo = add_block(page, "blog_galleryimage_set")
        photo.locator("input[type=file]").set_input_files(photos[index])
        photo.locator("input[name$='-alt']").fill(f"Photo {index} de la journée")
        photo.locator("textarea[name$='-caption']").fill(f"Moment {index}")

    question = add_block(page, "blog_question_set")
    question.locator("textarea[name$='-question']").fill("Quel est le pire moment de la journée ?")
    type_rich_text(question, "Midi, quand tout le monde redémarre en même temps.")

    # Scheduled: published, for tomorrow.
    page.select_option("#id_status", "published")
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.fill("#id_published_at_0", tomorrow.strftime("%d/%m/%Y"))
    page.fill("#id_published_at_1", "09:30:00")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    post = Post.objects.get(slug="une-journee-au-service-des-urgences-informatiques")
    assert post.is_scheduled
    assert [kind for kind, _block in __import__("blog.content").content.blocks(post)] == [
        "richtext",
        "figure",
        "gallery",
        "gallery",
        "question",
    ]
    # Visitors do not see it yet.
    visitor = browser.new_context(base_url=live_server.url, locale="fr-FR")
    assert visitor.new_page().goto(post.get_absolute_url()).status == 404

    # The author previews it from the admin.
    save_screenshot(page, "blog-admin-saved")
    page.get_by_role("link", name="Voir sur le site").click()
    page.wait_for_url(f"**/blog/preview/{post.pk}/")
    assert "Programmé" in page.locator(".preview-banner").inner_text()
    assert page.get_by_text("Le coupable : un trombone.").is_visible()

    # Publishes it now.
    page.go_back()
    now = timezone.localtime() - timedelta(minutes=1)
    page.fill("#id_published_at_0", now.strftime("%d/%m/%Y"))
    page.fill("#id_published_at_1", now.strftime("%H:%M:%S"))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    post.refresh_from_db()
    assert post.is_public

    # A visitor on a phone finds it in the list and reads it.
    for scheme in ("light", "dark"):
        phone = open_page(viewport={"width": 390, "height": 844}, scheme=scheme)
        phone.goto("/blog/")
        phone.get_by_role("link", name="Une journée au service des urgences informatiques").click()
        phone.wait_for_url(f"**{post.get_absolute_url()}")
        assert phone.get_by_role("heading", level=1).inner_text().startswith("Une journée")
        assert phone.get_by_text("Source : Wikipédia").is_visible()
        assert phone.get_by_text("Quel est le pire moment de la journée ?").first.is_visible()
        assert phone.locator(".gallery__item img").count() == 2
        assert phone.locator(".post__cover img").get_attribute("fetchpriority") == "high"
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        save_screenshot(phone, f"blog-post-written-phone-{scheme}")
    visitor.close()


def test_blog_screenshots(open_page, demo):
    def check(page, label, width, scheme):
        for name, url in [
            ("list", "/blog/"),
            ("post", "/blog/dix-ans-de-support-informatique/"),
            ("interview", "/blog/entretien-nadia-technicienne-de-proximite/"),
            ("gallery", "/blog/trois-jours-en-vercors/"),
        ]:
            page.goto(url)
            # Load the lazy images below the fold before the full-page shot.
            page.evaluate(
                "Promise.all([...document.images].map(img => { img.loading = 'eager'; "
                "return img.decode().catch(() => null); }))"
            )
            page.wait_for_load_state("networkidle")
            # Nothing sticks out sideways at this width.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, url
            save_screenshot(page, f"blog-{name}-{label}-{scheme}")

    in_every_view(open_page, check)
