from django.urls import path

from portfolio import views, views_tailored

app_name = "portfolio"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("profile/cv.pdf", views.cv_pdf, name="cv_pdf"),
    path("profile/cv.docx", views.cv_docx, name="cv_docx"),
    path("profile/resume.json", views.resume_json, name="resume_json"),
    path("profile/vcard.vcf", views.vcard_vcf, name="vcard"),
    # A tailored CV's private link (portfolio/views_tailored.py): no sitemap, no cache.
    path("cv/<slug:token>/", views_tailored.page, name="tailored_cv"),
    path("cv/<slug:token>/cv.pdf", views_tailored.pdf, name="tailored_cv_pdf"),
    path("cv/<slug:token>/cv.docx", views_tailored.docx, name="tailored_cv_docx"),
    path("contact/", views.contact, name="contact"),
    path("contact/thanks/", views.contact_thanks, name="contact_thanks"),
]
