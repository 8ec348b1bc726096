"""django-comments-xtd's HTML flows only, each with our own view.

Its REST API is not mounted: it turns on DRF Basic auth (a password-guessing
route past our login throttling) and takes anonymous posts without CSRF.
"""

from django.urls import path

from comments import views

app_name = "comments"
urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("<id:comment_id>/", views.permalink, name="permalink"),
    path("reply/<id:comment_id>/", views.reply, name="reply"),
    path("report/<id:comment_id>/", views.report, name="report"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
