from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from blog.models import Post

POSTS_PER_PAGE = 10


def post_list(request):
    posts = Post.objects.published().with_comment_count()
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "blog/post_list.html", {"page": page, "posts": page.object_list})


def post_detail(request, slug):
    post = get_object_or_404(Post.objects.published().with_comment_count(), slug=slug)
    return render(request, "blog/post_detail.html", {"post": post})
