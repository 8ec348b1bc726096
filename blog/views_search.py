from django.core.paginator import Paginator
from django.shortcuts import render

from blog.models import Category, Post
from blog.search import clean_query, highlight, search_posts
from portfolio.core.page_cache import cache_under_query

RESULTS_PER_PAGE = 10


def search(request):
    """`/blog/search/?q=`: a plain GET form, so it works without JavaScript."""
    query = clean_query(request.GET.get("q"))
    page = Paginator(search_posts(query), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    results = [
        {
            "post": post,
            "title": highlight(post.search_title or post.title),
            "snippet": highlight(post.search_snippet),
        }
        for post in page.object_list
    ]
    # Nothing found: the categories that hold posts are the next place to look.
    categories = (
        Category.objects.filter(posts__in=Post.objects.published()).distinct().order_by("name")
        if query and not results
        else []
    )
    response = render(
        request,
        "blog/search.html",
        {"query": query, "page": page, "results": results, "categories": categories},
    )
    # Stored under the query as cleaned (each distinct search is a page of its own).
    return cache_under_query(response, q=query, page=page.number)
