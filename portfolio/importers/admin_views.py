"""The admin's import pages: one view and one template for every source (WordPress, Medium…).

An importer registers an `Importer` in `IMPORTERS` (its form and a function
turning the form's cleaned data into a `report.Report`); the page at
`admin/import/<key>/` shows the form, runs the import on POST only, and ends
with the report. Staff only (`admin_site.admin_view`), CSRF-protected like
every admin form, no inline script or style (the strict CSP holds).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portfolio.importers.medium import import_medium
from portfolio.importers.wordpress import import_wordpress


class WordPressForm(forms.Form):
    export = forms.FileField(
        label=_("Export file (WXR)"),
        help_text=_("The .xml file that WordPress’s Tools → Export gave you."),
    )
    uploads = forms.FileField(
        label=_("Images (.zip of wp-content/uploads)"),
        required=False,
        help_text=_("Optional. Images not found are listed in the report; their text stays."),
    )
    dry_run = forms.BooleanField(label=_("Dry run: show the report, write nothing"), required=False)

    def clean_uploads(self):
        uploads = self.cleaned_data.get("uploads")
        if uploads and not uploads.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("Give a .zip file of the uploads folder."))
        return uploads


def run_wordpress(data):
    return import_wordpress(
        data["export"], media_zip=data.get("uploads") or None, dry_run=data["dry_run"]
    )


class MediumForm(forms.Form):
    archive = forms.FileField(
        label=_("Medium archive (.zip)"),
        help_text=_("The .zip that Medium’s Settings → Download your information sent you."),
    )
    download_media = forms.BooleanField(
        label=_("Download the images from Medium"),
        required=False,
        help_text=_("Otherwise they are listed in the report; their caption stays in the post."),
    )
    dry_run = forms.BooleanField(label=_("Dry run: show the report, write nothing"), required=False)


def run_medium(data):
    return import_medium(data["archive"], download=data["download_media"], dry_run=data["dry_run"])


@dataclass(frozen=True)
class Importer:
    title: str
    form_class: type
    run: Callable


IMPORTERS = {
    "wordpress": Importer(_("Import from WordPress"), WordPressForm, run_wordpress),
    "medium": Importer(_("Import from Medium"), MediumForm, run_medium),
}


@require_http_methods(["GET", "POST"])
def import_page(request, source):
    importer = IMPORTERS.get(source)
    if importer is None:
        raise Http404
    report = None
    if request.method == "POST":
        form = importer.form_class(request.POST, request.FILES)
        if form.is_valid():
            report = importer.run(form.cleaned_data)
    else:
        form = importer.form_class()
    context = {
        **admin.site.each_context(request),
        "title": importer.title,
        "form": form,
        "report": report,
    }
    return render(request, "admin/importers/import.html", context)
