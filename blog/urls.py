from django.urls import path

from blog import feeds, views, views_pages, views_search

app_name = "blog"
urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("series/<slug:slug>/", views.series, name="series"),
    path("<int:year>/", views.YearArchive.as_view(), name="year"),
    path("preview/<id:pk>/", views.post_preview, name="post_preview"),
    path("preview/page/<id:pk>/", views_pages.page_preview, name="page_preview"),
    path("search/", views_search.search, name="search"),
    path("feed/rss/", feeds.PostsFeed(), name="feed_rss"),
    path("feed/atom/", feeds.PostsAtomFeed(), name="feed_atom"),
    path("feed/category/<slug:slug>/rss/", feeds.CategoryFeed(), name="category_feed_rss"),
    path("feed/category/<slug:slug>/atom/", feeds.CategoryAtomFeed(), name="category_feed_atom"),
    path("feed/tag/<slug:slug>/rss/", feeds.TagFeed(), name="tag_feed_rss"),
    path("feed/tag/<slug:slug>/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    # Keep this last: any other route above would otherwise be read as a slug.
    path("<slug:slug>/", views.post_detail, name="post_detail"),
    # Comment pages 2, 3…: a path, so each is crawlable and cached like any page.
    path("<slug:slug>/comments/<int:comment_page>/", views.post_detail, name="post_comments"),
]
