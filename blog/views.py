import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Q, Subquery, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic.dates import YearArchiveView

from blog import content, seo
from blog.images import rendition_url
from blog.models import Category, OldSlug, Post, Series, Tag, content_prefetches
from blog.typography import french_typography
from portfolio.core import fragments
from portfolio.core.page_cache import cache_under_query
from portfolio.core.script_json import json_for_script
from portfolio.core.site_url import absolute

POSTS_PER_PAGE = 10
RELATED_POSTS = 3


def _cards(posts, generation):
    """The posts of a list page, each with the computed numbers its card shows.

    Reading times come from every block of the ten posts: fetched (five queries) only by
    the first render of this list of posts after a change (portfolio.core.fragments).
    """
    posts = list(posts)
    key = ("reading_minutes", *(post.pk for post in posts))
    minutes = fragments.cached(generation, key, lambda: _reading_minutes(posts))
    for post in posts:
        post.reading_minutes = minutes[post.pk]
    return posts


def _reading_minutes(posts):
    prefetch_related_objects(posts, *content_prefetches())
    return {post.pk: content.reading_minutes(post) for post in posts}


def _list_context(request, page, *, title, heading=None, intro="", crumbs=(), numbered=False):
    """What blog/post_list.html needs to show one `page` of cards."""
    # Before the page's rows are read (page.object_list is lazy): see fragments.
    generation = fragments.current_generation()
    canonical = request.path + (f"?page={page.number}" if page.number > 1 else "")
    crumb_items = [(_("Home"), reverse("portfolio:home")), (_("Blog"), reverse("blog:post_list"))]
    crumb_items += list(crumbs)
    return {
        "page": page,
        "posts": _cards(page.object_list, generation),
        "title": title,
        "heading": heading or title,
        "intro": intro,
        "numbered": numbered,
        "canonical_url": absolute(canonical),
        "crumbs": crumb_items,
        "ld_breadcrumbs": json_for_script(seo.breadcrumbs(crumb_items)),
    }


def _for_cards(posts):
    return posts.with_comment_count().for_cards()


def latest_cards(count):
    """The newest published posts as cards, as the lists show them (for the home page)."""
    generation = fragments.current_generation()
    return _cards(_for_cards(Post.objects.published())[:count], generation)


def _list_page(request, posts, **options):
    """One page of cards. `posts` is an unevaluated queryset in the list's order."""
    page = Paginator(_for_cards(posts), POSTS_PER_PAGE).get_page(request.GET.get("page"))
    response = render(request, "blog/post_list.html", _list_context(request, page, **options))
    return cache_under_query(response, page=page.number)


def post_list(request):
    return _list_page(request, Post.objects.published(), title=_("Blog"))


def category(request, slug):
    category = get_object_or_404(Category, slug=slug)
    return _list_page(
        request,
        Post.objects.published().filter(category=category),
        title=_("Category: %(name)s") % {"name": category.name},
        heading=category.name,
        intro=category.description,
        crumbs=[(category.name, category.get_absolute_url())],
    )


def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _list_page(
        request,
        Post.objects.published().filter(tags=tag),
        title=_("Posts tagged “%(name)s”") % {"name": tag.name},
        crumbs=[(tag.name, tag.get_absolute_url())],
    )


def series(request, slug):
    series = get_object_or_404(Series, slug=slug)
    posts = Post.objects.published().filter(series=series)
    return _list_page(
        request,
        posts.order_by("series_number", "published_at", "pk"),
        title=_("Series: %(name)s") % {"name": series.name},
        heading=series.name,
        intro=series.description,
        crumbs=[(series.name, series.get_absolute_url())],
        numbered=True,
    )


class YearArchive(YearArchiveView):
    """The posts of one year: Django's date-based view, as djangoproject.com's blog has it."""

    model = Post
    date_field = "published_at"
    make_object_list = True
    ordering = ["-published_at", "-pk"]
    paginate_by = POSTS_PER_PAGE
    template_name = "blog/post_list.html"
    # An empty year is a 404 all the same (get_dated_items), but allow_empty=False would
    # cost three more queries: an exists() and the previous and next years, never shown.
    allow_empty = True

    def get_queryset(self):
        # Built per request: published() compares with the time of the query.
        return Post.objects.published().order_by(*self.ordering)

    def get_year(self):
        year = super().get_year()
        # Django computes the first day of the year after (none after 9999: a ValueError)
        # and the first instant in UTC (none before year 1 in Paris: an OverflowError).
        if not datetime.MINYEAR < int(year) < datetime.MAXYEAR:
            raise Http404
        return year

    def get_dated_items(self):
        months, posts, extra = super().get_dated_items()
        # The months that have posts: the one query that also tells an empty year.
        if not months:
            raise Http404
        return months, _for_cards(posts), extra

    def paginate_queryset(self, queryset, page_size):
        # Like the other lists, a page out of range shows the nearest page, not a 404.
        page = self.get_paginator(queryset, page_size).get_page(self.request.GET.get("page"))
        return page.paginator, page, page.object_list, page.has_other_pages()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return cache_under_query(response, page=context["page_obj"].number)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = context["year"].year
        return {
            **context,
            **_list_context(
                self.request,
                context["page_obj"],
                title=_("Posts from %(year)s") % {"year": year},
                crumbs=[(str(year), reverse("blog:year", kwargs={"year": year}))],
            ),
        }


def _detail_queryset():
    # The blocks are fetched by _post_content(), when it is not kept.
    return Post.objects.with_comment_count().with_thread_count().for_cards().with_tags()


def post_detail(request, slug, comment_page=None):
    """The post, with page `comment_page` of its comments (/blog/<slug>/comments/2/)."""
    # Before the post's row is read: its rendered content is kept per generation (fragments).
    generation = fragments.current_generation()
    post = _detail_queryset().published().filter(slug=slug).first()
    if post is None:
        old = OldSlug.objects.filter(slug=slug, post__in=Post.objects.published()).first()
        if old is None:
            raise Http404
        return redirect(old.post.get_comment_page_url(comment_page or 1), permanent=True)
    if comment_page == 1:
        return redirect(post, permanent=True)
    number = 1 if comment_page is None else comment_page
    return _render_post(
        request, post, comment_page=_comment_page(post, number), generation=generation
    )


def _comment_page(post, number):
    """Page `number` of the post's comment threads (Post.thread_count); past the last, a 404."""
    paginator = Paginator(range(post.thread_count), settings.COMMENTS_PER_PAGE)
    try:
        return paginator.page(number)
    except InvalidPage:
        raise Http404 from None


@never_cache
@staff_member_required
def post_preview(request, pk):
    """Staff read any post here, drafts and scheduled ones included, never indexed."""
    post = get_object_or_404(_detail_queryset(), pk=pk)
    return _render_post(request, post, preview=True, comment_page=_comment_page(post, 1))


def _related_candidates(post, tag_ids):
    """Keys of published posts sharing a tag, or else the category: most shared tags first."""
    return (
        Post.objects.published()
        .exclude(pk=post.pk)
        .filter(
            Q(tags__in=tag_ids) | Q(category_id=post.category_id)
            if post.category_id
            else Q(tags__in=tag_ids)
        )
        # Grouped by the key alone, not by every column (a post's body included).
        .values("pk")
        .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared_tags", "-published_at", "-pk")
    )


@dataclass
class SeriesNav:
    """Where a post stands in its series: "Interview #8 / #10", the posts numbered around it."""

    previous: Post | None
    next: Post | None
    last_number: int


def _first(pks):
    return Q(pk=Subquery(pks.values("pk")[:1]))


def _neighbours(post):
    """The published posts around this one, by date and in its series, and "Read next", in one query.

    By date: the lookups of Django's `get_previous_by_published_at()` /
    `get_next_by_published_at()`, which break ties on the primary key (as `Post.Meta.ordering`
    does), so posts sharing a publication time are each reached. In a numbered series: the
    numbers just below and above, and the last one. Written out so all come in one query
    (eight rows at most); each role goes to the nearest row that fits it, which is the one
    its subquery picked, since every subquery's pick is among the rows.
    """
    published = Post.objects.published()
    at, pk = post.published_at, post.pk
    older = published.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    newer = published.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
    wanted = _first(older.order_by("-published_at", "-pk")) | _first(
        newer.order_by("published_at", "pk")
    )
    # "Read next" in the same query: its picks are among the rows (Python ranks them below).
    tag_ids = [tag.pk for tag in post.tags.all()]
    related = _related_candidates(post, tag_ids).values("pk")[:RELATED_POSTS]
    wanted |= Q(pk__in=related)
    number = post.series_number if post.series_id else None
    if number is not None:
        numbered = published.filter(series_id=post.series_id, series_number__isnull=False)
        wanted |= (
            _first(numbered.filter(series_number__lt=number).order_by("-series_number"))
            | _first(numbered.filter(series_number__gt=number).order_by("series_number"))
            | _first(numbered.order_by("-series_number"))
        )
    found = list(
        Post.objects.filter(wanted)
        .only(
            "slug", "title", "language", "published_at", "category_id", "series_id", "series_number"
        )
        .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by()
    )
    # The three picks of `related` rank first among the rows that qualify as it does.
    same_category = lambda row: post.category_id and row.category_id == post.category_id  # noqa: E731
    related_posts = sorted(
        (row for row in found if row.pk != pk and (row.shared_tags or same_category(row))),
        key=lambda row: (-row.shared_tags, -row.published_at.timestamp(), -row.pk),
    )[:RELATED_POSTS]
    key = lambda row: (row.published_at, row.pk)  # noqa: E731
    previous_post = max((row for row in found if key(row) < (at, pk)), key=key, default=None)
    next_post = min((row for row in found if key(row) > (at, pk)), key=key, default=None)
    if number is None:
        return previous_post, next_post, None, related_posts
    in_series = [row for row in found if row.series_id == post.series_id and row.pk != pk]
    in_series = [row for row in in_series if row.series_number is not None]
    by_number = lambda row: row.series_number  # noqa: E731
    series_nav = SeriesNav(
        previous=max(
            (r for r in in_series if r.series_number < number), key=by_number, default=None
        ),
        next=min((r for r in in_series if r.series_number > number), key=by_number, default=None),
        last_number=max([number, *(row.series_number for row in in_series)]),
    )
    if series_nav.previous is None and series_nav.next is None:
        series_nav = None  # alone in its series so far: the kicker says enough
    return previous_post, next_post, series_nav, related_posts


def _neighbour_page_urls(post, page):
    """The absolute URLs of the comment pages before and after `page`, for rel=prev/next."""
    return {
        "prev": absolute(post.get_comment_page_url(page.number - 1)) if page.has_previous() else "",
        "next": absolute(post.get_comment_page_url(page.number + 1)) if page.has_next() else "",
    }


def _post_content(post):
    """What the post's blocks give its page: one pass over them (five queries), kept per generation.

    The body with its French typography, the table of contents, the reading time, the
    excerpt and the (picture, caption, credit) of its figures for the JSON-LD.
    """
    prefetch_related_objects([post], *content_prefetches())
    body, toc = content.body_and_toc(post)
    return {
        "body": french_typography(body, post.language),
        "toc": toc,
        "reading_minutes": content.reading_minutes(post),
        "excerpt": content.excerpt(post, 30),
        "figures": [
            (block.picture, block.caption, block.credit)
            for kind, block in content.blocks(post)
            if kind in ("figure", "gallery")
        ],
    }


def _render_post(request, post, *, comment_page, preview=False, generation=None):
    previous_post, next_post, series_nav, related_posts = _neighbours(post)
    shown = fragments.cached(generation, ("post_content", post.pk), lambda: _post_content(post))
    description = post.meta_description or post.standfirst or shown["excerpt"]
    cover = post.cover_picture
    images = [(cover, post.cover_caption, post.cover_credit)] if cover else []
    images += shown["figures"]
    social_image = None
    if post.social_image:
        social_image = absolute(post.social_image.url)
    elif cover:
        social_image = absolute(rendition_url(post.cover, 1200))
    author_url = post.author.get_absolute_url() if post.author else reverse("portfolio:profile")
    crumbs = [(_("Home"), reverse("portfolio:home")), (_("Blog"), reverse("blog:post_list"))]
    if post.category_id:
        crumbs.append((post.category.name, post.category.get_absolute_url()))
    crumbs.append((post.title, post.get_absolute_url()))
    posting = seo.blog_posting(post, description=description, images=images, author_url=author_url)
    context = {
        "post": post,
        "body": shown["body"],
        "toc": shown["toc"],
        "reading_minutes": shown["reading_minutes"],
        "description": description,
        "social_image": social_image,
        "author_url": author_url,
        "related_posts": related_posts,
        "previous_post": previous_post,
        "next_post": next_post,
        "series_nav": series_nav,
        "preview": preview,
        "comment_page": comment_page,
        "comment_page_urls": _neighbour_page_urls(post, comment_page),
        # Comment page N is its own page to a search engine; the share link is the post's.
        "canonical_url": absolute(post.get_comment_page_url(comment_page.number)),
        "share_url": absolute(post.get_absolute_url()),
        "crumbs": crumbs,
        "ld_posting": json_for_script(posting),
        "ld_breadcrumbs": json_for_script(seo.breadcrumbs(crumbs)),
    }
    return render(request, "blog/post_detail.html", context)
