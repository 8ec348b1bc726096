from django.urls import path

from portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("contact/", views.contact, name="contact"),
]
