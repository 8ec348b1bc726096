from django.urls import path

from portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("profile/cv.pdf", views.cv_pdf, name="cv_pdf"),
    path("profile/resume.json", views.resume_json, name="resume_json"),
    path("profile/vcard.vcf", views.vcard_vcf, name="vcard"),
    path("contact/", views.contact, name="contact"),
    path("contact/thanks/", views.contact_thanks, name="contact_thanks"),
]
