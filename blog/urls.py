from django.urls import path

from blog import views

app_name = "blog"
urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("series/<slug:slug>/", views.series, name="series"),
    path("<int:year>/", views.year_archive, name="year"),
    path("preview/<int:pk>/", views.post_preview, name="post_preview"),
    # Keep this last: any other route above would otherwise be read as a slug.
    path("<slug:slug>/", views.post_detail, name="post_detail"),
]
