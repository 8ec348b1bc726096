import html
import re

from content_editor.models import Region, create_plugin_base
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Count, F, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from blog.images import picture_of, rendition
from comments.models import Comment
from portfolio.core.slugs import unique_slug
from portfolio.core.uploads import SafeImageField

# What the rich text editor offers, and therefore what the sanitizer (nh3) keeps:
# the post title is the page's h1, so the text starts at h2.
RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


class _ReservedSlugs:
    """Slugs a post cannot take: addresses under /blog/ that are other pages (blog/urls.py).

    Those of the named pages, and every slug of digits only, which is a year's archive
    (/blog/2024/). Reserved rather than routed around, because one address cannot be
    both a year and a post. `slug in RESERVED_SLUGS` is the whole interface.
    """

    PAGES = frozenset({"search", "feed", "preview", "category", "tag", "series"})

    def __contains__(self, slug):
        return slug in self.PAGES or bool(re.fullmatch(r"[0-9]+", slug or ""))


RESERVED_SLUGS = _ReservedSlugs()

# What search engines show of a description before they cut it with "…".
META_DESCRIPTION_LIMIT = 160


def meta_description_field(help_text):
    """A description for search engines: its limit is real, so it is checked, never cut."""
    return models.TextField(
        _("meta description"),
        blank=True,
        validators=[
            MaxLengthValidator(
                META_DESCRIPTION_LIMIT,
                message=_(
                    "Search engines show about %(limit_value)d characters and cut the rest: "
                    "this description has %(show_value)d. Shorten it."
                ),
            )
        ],
        help_text=help_text,
    )


SLUG_HELP_TEXT = _("The address: made from the name when left empty.")


class SlugFromName(models.Model):
    """Fills an empty slug from the name (or title), French-aware, unique among its peers."""

    slug_source = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_slug()
        super().save(*args, **kwargs)

    def slug_is_taken(self, slug):
        return type(self)._default_manager.exclude(pk=self.pk).filter(slug=slug).exists()

    def fill_slug(self):
        if not self.slug:
            max_length = self._meta.get_field("slug").max_length
            self.slug = unique_slug(
                getattr(self, self.slug_source),
                self.slug_is_taken,
                max_length=max_length,
                fallback=self._meta.model_name,
            )

    def clean(self):
        self.fill_slug()
        super().clean()


class Category(SlugFromName):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, blank=True, help_text=SLUG_HELP_TEXT
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})


class Tag(SlugFromName):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, blank=True, help_text=SLUG_HELP_TEXT
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slug": self.slug})


class Series(SlugFromName):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, blank=True, help_text=SLUG_HELP_TEXT
    )
    # "Interview" gives "Interview #9" on each post of the series.
    item_label = models.CharField(
        _("label of one post"),
        max_length=50,
        blank=True,
        help_text=_("Shown before the number, e.g. “Interview” gives “Interview #9”."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:series", kwargs={"slug": self.slug})


class Author(models.Model):
    name = models.CharField(_("name"), max_length=100)
    photo = SafeImageField(
        _("photo"),
        upload_to="blog/authors/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    bio = models.TextField(_("short bio"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_site_owner = models.BooleanField(
        _("site owner"),
        default=False,
        help_text=_("The owner signs new posts by default and links to the profile page."),
    )

    photo_480 = rendition("photo", 480)
    photo_800 = rendition("photo", 800)
    photo_1200 = rendition("photo", 1200)
    photo_1600 = rendition("photo", 1600)

    class Meta:
        ordering = ["-is_site_owner", "name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(
                fields=["is_site_owner"],
                condition=Q(is_site_owner=True),
                name="blog_author_one_site_owner",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        if self.is_site_owner:
            return reverse("portfolio:profile")
        return self.website or ""

    @cached_property
    def picture(self):
        return picture_of(self, "photo", "")


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts a visitor may read: published, and whose publication time has come.

        The time is compared at query time, so a scheduled post appears by
        itself at its hour with no job to run.
        """
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        """Posts the author has not published yet (a scheduled post is not a draft)."""
        return self.filter(status=Post.Status.DRAFT)

    def scheduled(self, after=None):
        """Published posts whose time has not come yet (or has not come at `after`)."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=after or timezone.now())

    def next_publication_after(self, since):
        """When the first post scheduled after `since` appears, or None: pages expire by then."""
        return self.scheduled(after=since).aggregate(next=Min("published_at"))["next"]

    def with_comment_count(self):
        """Annotate `comment_count`: the visible comments, counted in the same query.

        A subquery rather than a GenericRelation join: django-comments keys
        objects by a text `object_pk`, which PostgreSQL will not compare to an
        integer id without a cast (CommentQuerySet.for_post casts it).
        """
        visible_comments = (
            Comment.objects.visible()
            .for_post(OuterRef("pk"))
            .order_by()
            .values("object_pk")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(comment_count=Coalesce(Subquery(visible_comments), 0))

    def with_thread_count(self):
        """Annotate `thread_count`: the visible top-level comments, what comment pages share out."""
        threads = (
            Comment.objects.threads()
            .for_post(OuterRef("pk"))
            .order_by()
            .values("object_pk")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(thread_count=Coalesce(Subquery(threads), 0))

    def for_cards(self):
        """What a card shows: author, category, series in the same query."""
        return self.select_related("author", "category", "series")

    def with_tags(self):
        """The tags prefetched (one query), for a post's page and the feeds; cards show none."""
        return self.prefetch_related("tags")

    def with_content(self):
        """Prefetch every block, so rendering N posts costs a constant number of queries.

        `blog.content.body_html()` and `plain_text()` read only these caches.
        """
        return self.prefetch_related(*content_prefetches())


def content_prefetches():
    """The prefetches of a post's blocks (`with_content()`, or `prefetch_related_objects()`)."""
    return [
        Prefetch("blog_richtext_set", queryset=RichText.objects.order_by("ordering")),
        Prefetch("blog_figure_set", queryset=Figure.objects.order_by("ordering")),
        Prefetch("blog_galleryimage_set", queryset=GalleryImage.objects.order_by("ordering")),
        Prefetch("blog_pullquote_set", queryset=PullQuote.objects.order_by("ordering")),
        Prefetch("blog_question_set", queryset=Question.objects.order_by("ordering")),
    ]


class Post(SlugFromName):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug_source = "title"

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The address of the post, made from the title when left empty. "
            "When changed, the old address redirects here."
        ),
    )
    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("A blank line starts a new paragraph.")
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("A future date schedules the post: it appears by itself at that time."),
    )
    updated_on = models.DateField(_("updated on"), null=True, blank=True)
    update_note = models.TextField(
        _("update note"),
        blank=True,
        help_text=_(
            "Shown at the top of the post with the update date. "
            "A blank line starts a new paragraph."
        ),
    )
    # Off for imported posts: WordPress bumps its modified date for any edit, even a typo,
    # so the importer keeps the date and lets the author decide to show it.
    is_update_shown = models.BooleanField(
        _("show the update date"),
        default=True,
        help_text=_(
            "Untick to keep the date without the “Updated on” note at the top of the post."
        ),
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="posts")
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    series_number = models.PositiveSmallIntegerField(
        _("number in the series"), null=True, blank=True
    )
    cover = SafeImageField(
        _("cover image"),
        upload_to="blog/covers/%Y/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        _("cover alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    cover_caption = models.TextField(_("cover caption"), blank=True)
    cover_credit = models.CharField(
        _("cover credit"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “© Jane Doe” or “Source: Wikipedia”."),
    )
    meta_description = meta_description_field(
        _(
            "For search engines and social networks, 160 characters at most. "
            "Defaults to the standfirst or the excerpt."
        )
    )
    social_image = SafeImageField(
        _("social image"),
        upload_to="blog/social/%Y/",
        blank=True,
        help_text=_("Shown when the post is shared. Defaults to the cover image."),
    )
    is_open_for_comments = models.BooleanField(_("comments open"), default=True)
    # Where the post appeared before it came here (an import from Medium, or a republished
    # article): the page says so and links to the original.
    first_published_in = models.CharField(
        _("first published in"),
        max_length=100,
        blank=True,
        help_text=_("The site or publication where this post first appeared, e.g. “Medium”."),
    )
    first_published_url = models.URLField(
        _("original address"),
        max_length=500,
        blank=True,
    )
    first_published_at = models.DateTimeField(_("original publication date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    cover_480 = rendition("cover", 480)
    cover_800 = rendition("cover", 800)
    cover_1200 = rendition("cover", 1200)
    cover_1600 = rendition("cover", 1600)

    objects = PostQuerySet.as_manager()

    regions = [Region(key="body", title=_("Body"))]

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            # Newest first, as the admin's list and its date hierarchy's first and last.
            models.Index(fields=["published_at"], name="post_by_date"),
            # drafts(), scheduled() and published(), each already in date order.
            models.Index(fields=["status", "published_at"], name="post_by_status_and_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="post_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(cover="") | ~Q(cover_alt=""), name="post_cover_has_alt"
            ),
            models.CheckConstraint(
                condition=Q(series_number__isnull=True) | Q(series__isnull=False),
                name="post_series_number_needs_series",
            ),
            models.UniqueConstraint(
                fields=["series", "series_number"], name="post_unique_number_in_series"
            ),
            models.CheckConstraint(
                condition=Q(first_published_url="") | ~Q(first_published_in=""),
                name="post_first_published_url_has_name",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    def get_comment_page_url(self, number):
        """Page `number` of the comments: the post itself for the first one."""
        if number <= 1:
            return self.get_absolute_url()
        return reverse("blog:post_comments", kwargs={"slug": self.slug, "comment_page": number})

    def slug_is_taken(self, slug):
        return slug in RESERVED_SLUGS or super().slug_is_taken(slug)

    def clean(self):
        self.fill_slug()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is a blog page’s address; choose another.")
                    % {"slug": self.slug}
                }
            )
        if self.cover and not self.cover_alt.strip():
            raise ValidationError(
                {"cover_alt": _("Describe the image for people who cannot see it.")}
            )
        if self.series_number is not None and not self.series_id:
            raise ValidationError({"series": _("Choose the series this number belongs to.")})
        if self.first_published_url and not self.first_published_in.strip():
            raise ValidationError(
                {"first_published_in": _("Name the site the original address belongs to.")}
            )

    def get_preview_url(self):
        return reverse("blog:post_preview", kwargs={"pk": self.pk})

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def shown_update_date(self):
        """The "Updated on" date readers see: none when the author chose not to show it."""
        return self.updated_on if self.is_update_shown else None

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def series_label(self):
        """ "Interview #9": the series' label (or name) and the number, when numbered."""
        if not self.series_id or self.series_number is None:
            return ""
        return f"{self.series.item_label or self.series.name} #{self.series_number}"

    @cached_property
    def cover_picture(self):
        return picture_of(self, "cover", self.cover_alt)


# A block's fields, once for the blocks of posts and of pages: the same editor, sanitizer,
# renditions and templates (templates/blog/blocks/). content_editor ties each concrete
# block to its owner through `create_plugin_base`, hence one concrete class per owner.
def text_of_html(fragment):
    """The words of an HTML fragment: entities decoded, "<h2>a</h2><p>b</p>" gives "a b"."""
    spaced = re.sub(r"</(p|h[1-6]|li|blockquote)>|<br\s*/?>", " ", fragment)
    return html.unescape(strip_tags(spaced)).strip()


class RichTextFields(models.Model):
    text = ProseEditorField(_("text"), extensions=RICH_TEXT_EXTENSIONS, sanitize=True)

    class Meta:
        abstract = True

    def __str__(self):
        # The block's title in the editor. Not the field's get_text_excerpt(), which glues
        # a heading to the next paragraph and shows entities ("&nbsp;") as typed.
        # Collapse the source's line breaks, not the no-break spaces of French typography.
        words = re.sub(r"[ \t\r\n]+", " ", text_of_html(self.text))
        return Truncator(words).chars(80)


class ImageFields(models.Model):
    """An image with what a reader and a screen reader need: alt text, caption, credit."""

    image = SafeImageField(
        _("image"),
        upload_to="blog/images/%Y/",
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “© Jane Doe” or “Source: Wikipedia”."),
    )

    image_480 = rendition("image", 480)
    image_800 = rendition("image", 800)
    image_1200 = rendition("image", 1200)
    image_1600 = rendition("image", 1600)

    class Meta:
        abstract = True

    def __str__(self):
        return self.caption or self.alt

    @cached_property
    def picture(self):
        return picture_of(self, "image", self.alt)


class PullQuoteFields(models.Model):
    quote = models.TextField(_("quote"))
    attribution = models.CharField(_("attribution"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.quote[:60]


class QuestionFields(models.Model):
    """A question and its answer, for interviews."""

    question = models.TextField(_("question"))
    answer = ProseEditorField(_("answer"), extensions=RICH_TEXT_EXTENSIONS, sanitize=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.question[:60]


PluginBase = create_plugin_base(Post)


class RichText(RichTextFields, PluginBase):
    class Meta:
        verbose_name = _("rich text")
        verbose_name_plural = _("rich texts")
        ordering = ["ordering"]


class ImageBlock(ImageFields, PluginBase):
    class Meta:
        abstract = True
        ordering = ["ordering"]


class Figure(ImageBlock):
    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["ordering"]


class GalleryImage(ImageBlock):
    """One photo of a gallery: consecutive gallery photos are shown together as one gallery."""

    class Meta:
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery photos")
        ordering = ["ordering"]


class PullQuote(PullQuoteFields, PluginBase):
    class Meta:
        verbose_name = _("pull quote")
        verbose_name_plural = _("pull quotes")
        ordering = ["ordering"]


class Question(QuestionFields, PluginBase):
    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ["ordering"]


class OldSlug(models.Model):
    """A slug a post answered to before: visiting it redirects (301) to the post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("old slug")
        verbose_name_plural = _("old slugs")

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})


# A page's address is its slug under its parent's: /a-propos/equipe/. Three levels at most,
# so a page's whole address comes in one query (`select_related` of the parents).
PAGE_MAX_DEPTH = 3
# Root addresses the site already answers (portfolio/urls.py): a page there would be hidden,
# or would hide them. Language prefixes, the admin and the static/media prefixes are added
# from the settings by `reserved_page_slugs()`.
RESERVED_PAGE_SLUGS = {
    "profile",
    "contact",
    "blog",
    "comments",
    "static",
    "media",
    "healthz",
    "sitemap.xml",
    "robots.txt",
}


def reserved_page_slugs():
    """Every first segment of an address that belongs to another part of the site."""
    prefixes = {settings.ADMIN_PATH, settings.STATIC_URL, settings.MEDIA_URL}
    return (
        RESERVED_PAGE_SLUGS
        | {code for code, _name in settings.LANGUAGES}
        | {prefix.strip("/").split("/")[0] for prefix in prefixes if prefix.strip("/")}
    )


class PageQuerySet(models.QuerySet):
    def published(self):
        """Pages a visitor may read: published, and so is every page above them.

        A draft parent hides its whole subtree, so unpublishing "À propos" never
        leaves "À propos › Équipe" online at an address nobody links to.
        """
        condition = Q(status=Page.Status.PUBLISHED)
        parent = "parent"
        for _level in range(PAGE_MAX_DEPTH - 1):
            condition &= Q(**{f"{parent}__isnull": True}) | Q(
                **{f"{parent}__status": Page.Status.PUBLISHED}
            )
            parent += "__parent"
        return self.filter(condition)

    def with_parents(self):
        """The parents in the same query: `path`, `get_absolute_url()` and `ancestors` need them."""
        return self.select_related("__".join(["parent"] * (PAGE_MAX_DEPTH - 1)))

    def at_path(self, path):
        """The page whose address is `path` ("a-propos/equipe"): its slug and its parents'."""
        slugs = path.strip("/").split("/")
        if len(slugs) > PAGE_MAX_DEPTH:
            return self.none()
        lookups, parent = {}, ""
        for slug in reversed(slugs):
            lookups[f"{parent}slug"] = slug
            parent += "parent__"
        lookups[f"{parent}isnull"] = True
        return self.filter(**lookups)

    def in_menus(self):
        """Published pages shown in the header or the footer, in the author's order."""
        return (
            self.published()
            .filter(Q(show_in_header=True) | Q(show_in_footer=True))
            .with_parents()
            .order_by("menu_order", "title", "pk")
        )

    def with_content(self):
        """Every block prefetched, as `PostQuerySet.with_content()` does for posts."""
        return self.prefetch_related(
            *(
                Prefetch(accessor, queryset=model.objects.order_by("ordering"))
                for accessor, model in (
                    ("blog_pagerichtext_set", PageRichText),
                    ("blog_pagefigure_set", PageFigure),
                    ("blog_pagegalleryimage_set", PageGalleryImage),
                    ("blog_pagepullquote_set", PagePullQuote),
                    ("blog_pagequestion_set", PageQuestion),
                )
            )
        )


class Page(SlugFromName):
    """An undated page ("À propos", "Mentions légales"): the blocks of a post, no comments."""

    Status = Post.Status
    slug_source = "title"

    class Kind(models.TextChoices):
        PAGE = "page", _("Ordinary page")
        LEGAL_NOTICE = "legal_notice", _("Legal notice")
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        blank=True,
        help_text=_(
            "The last part of the address, after the parent page’s; made from the title "
            "when left empty."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent page"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Nests the address: /parent/this-page/."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.PAGE,
        help_text=_(
            "A legal notice and a privacy notice start with a section the site writes itself "
            "from the profile, the host below and the site’s real settings."
        ),
    )
    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("A blank line starts a new paragraph.")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    show_in_header = models.BooleanField(_("link in the header"), default=False)
    show_in_footer = models.BooleanField(_("link in the footer"), default=False)
    menu_order = models.PositiveSmallIntegerField(
        _("order in the menus"), default=0, help_text=_("Smaller numbers come first.")
    )
    meta_description = meta_description_field(
        _(
            "For search engines and social networks, 160 characters at most. Defaults to the excerpt."
        )
    )
    # The legal notice's facts (LCEN art. 6) that the profile does not hold.
    publisher_address = models.CharField(
        _("publisher’s address"),
        max_length=300,
        blank=True,
        help_text=_("Your professional address. Defaults to the profile’s location."),
    )
    publisher_phone = models.CharField(_("publisher’s telephone"), max_length=40, blank=True)
    publisher_registration = models.CharField(
        _("registration number"),
        max_length=100,
        blank=True,
        help_text=_("e.g. SIRET 123 456 789 00012, when you have one."),
    )
    is_email_shown = models.BooleanField(
        _("show the profile’s contact email"),
        default=False,
        help_text=_("Off: the legal notice points to the contact form instead."),
    )
    publication_director = models.CharField(
        _("publication director"),
        max_length=120,
        blank=True,
        help_text=_("Defaults to the profile’s name."),
    )
    host_name = models.CharField(_("host’s name"), max_length=200, blank=True)
    host_address = models.CharField(_("host’s address"), max_length=300, blank=True)
    host_phone = models.CharField(_("host’s telephone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = PageQuerySet.as_manager()

    regions = [Region(key="body", title=_("Body"))]

    # Read by blog.content: which related managers hold this page's blocks, by kind.
    block_sets = {
        "richtext": "blog_pagerichtext_set",
        "figure": "blog_pagefigure_set",
        "gallery": "blog_pagegalleryimage_set",
        "pullquote": "blog_pagepullquote_set",
        "question": "blog_pagequestion_set",
    }

    class Meta:
        ordering = ["menu_order", "title", "pk"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="page_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["page", "legal_notice", "privacy_notice"]),
                name="page_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="page_not_its_own_parent"),
            models.UniqueConstraint(
                fields=["parent", "slug"], name="page_unique_slug_under_parent"
            ),
            # NULL parents are all distinct for the constraint above: root pages need their own.
            models.UniqueConstraint(
                fields=["slug"], condition=Q(parent__isnull=True), name="page_unique_root_slug"
            ),
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=~Q(kind="page"),
                name="page_one_notice_of_each_kind_per_language",
            ),
        ]

    def __str__(self):
        return " › ".join(page.title for page in [*self.ancestors, self])

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"path": self.path})

    def get_preview_url(self):
        return reverse("blog:page_preview", kwargs={"pk": self.pk})

    @property
    def ancestors(self):
        """The pages above this one, the top one first (free after `with_parents()`)."""
        found, page = [], self.parent
        while page is not None and len(found) < PAGE_MAX_DEPTH:
            found.insert(0, page)
            page = page.parent
        return found

    @property
    def path(self):
        return "/".join(page.slug for page in [*self.ancestors, self])

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and all(
            page.status == self.Status.PUBLISHED for page in self.ancestors
        )

    def slug_is_taken(self, slug):
        siblings = Page.objects.exclude(pk=self.pk).filter(parent_id=self.parent_id, slug=slug)
        return (self.parent_id is None and slug in reserved_page_slugs()) or siblings.exists()

    def clean(self):
        self.fill_slug()
        errors = {}
        if self.parent_id is None and self.slug in reserved_page_slugs():
            errors["slug"] = _(
                "“/%(slug)s/” is already an address of the site; choose another slug."
            ) % {"slug": self.slug}
        depth, page = 1, self.parent
        while page is not None:
            if self.pk and page.pk == self.pk:
                errors["parent"] = _("A page cannot be placed under itself.")
                break
            depth += 1
            page = page.parent
        if "parent" not in errors and depth > PAGE_MAX_DEPTH:
            errors["parent"] = _("Pages nest three levels deep at most.")
        if (
            self.kind == self.Kind.LEGAL_NOTICE
            and self.status == self.Status.PUBLISHED
            and not (self.host_name and self.host_address and self.host_phone)
        ):
            errors["host_name"] = _(
                "A published legal notice names the host: its name, address and telephone."
            )
        if errors:
            raise ValidationError(errors)


PagePluginBase = create_plugin_base(Page)


class PageRichText(RichTextFields, PagePluginBase):
    class Meta:
        verbose_name = _("rich text")
        verbose_name_plural = _("rich texts")
        ordering = ["ordering"]


class PageFigure(ImageFields, PagePluginBase):
    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["ordering"]


class PageGalleryImage(ImageFields, PagePluginBase):
    class Meta:
        verbose_name = _("gallery photo")
        verbose_name_plural = _("gallery photos")
        ordering = ["ordering"]


class PagePullQuote(PullQuoteFields, PagePluginBase):
    class Meta:
        verbose_name = _("pull quote")
        verbose_name_plural = _("pull quotes")
        ordering = ["ordering"]


class PageQuestion(QuestionFields, PagePluginBase):
    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ["ordering"]
