"""The comment form: django-comments-xtd's, with our labels, widgets and checks."""

import time

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.forms import XtdCommentForm
from django_comments_xtd.models import XtdComment, max_thread_level_for_content_type

from comments.models import Comment


class CommentForm(XtdCommentForm):
    """name*, email*, website, comment*, follow-up and remember-me boxes.

    The labels are ours so that our catalogs translate them (the library
    ships no compiled French catalog). `reply_to` is checked against the
    post and the maximum depth: the library saves a too-deep reply before
    failing, leaving an orphan row behind a 500.
    """

    remember = forms.BooleanField(
        required=False, label=_("Remember my name, email and website on this browser")
    )

    def __init__(self, target_object, *args, **kwargs):
        super().__init__(target_object, *args, **kwargs)
        self.label_suffix = ""
        limit = settings.COMMENT_MAX_LENGTH
        fields = self.fields
        fields["name"] = forms.CharField(
            label=_("Name"),
            max_length=50,
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
        )
        fields["email"] = forms.EmailField(
            label=_("Email"),
            max_length=254,
            help_text=_("Never published."),
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        )
        fields["url"] = forms.URLField(
            label=_("Website"),
            required=False,
            assume_scheme="https",
            max_length=200,
            widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
        )
        fields["comment"] = forms.CharField(
            label=_("Comment"),
            strip=False,
            max_length=limit,
            help_text=_(
                "Plain text, up to %(limit)s characters: line breaks are kept, links become "
                "clickable, HTML is shown as typed."
            )
            % {"limit": limit},
            error_messages={
                "max_length": _(
                    "Your comment is too long: %(show_value)d characters, the limit is "
                    "%(limit_value)d. Shorten it and send it again."
                ),
            },
            widget=forms.Textarea(attrs={"rows": 8}),
        )
        fields["comment"].widget.attrs.pop("maxlength", None)
        fields["followup"].label = _("Notify me of replies by email")
        fields["followup"].widget.attrs = {}
        fields["honeypot"].label = _("Leave this field empty")
        fields["honeypot"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for name in ("name", "email", "comment"):
            fields[name].error_messages["required"] = _("Please fill in this field.")
        fields["email"].error_messages["invalid"] = _(
            "Please enter a valid email address, like name@example.org."
        )
        fields["url"].error_messages["invalid"] = _(
            "Please enter a valid web address, like https://example.org."
        )
        # Order of the visible fields.
        order = ["name", "email", "url", "comment", "followup", "remember", "honeypot"]
        self.order_fields(order)

    def clean_comment(self):
        text = self.cleaned_data["comment"]
        if not text.strip():
            raise forms.ValidationError(_("Please fill in this field."), code="required")
        # Normalize line endings; keep everything else as typed.
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def clean_reply_to(self):
        parent_id = self.cleaned_data.get("reply_to") or 0
        if not parent_id:
            return 0
        parent = (
            Comment.objects.for_post(self.target_object)
            .visible()
            .filter(pk=parent_id)
            .select_related("content_type")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(_("The comment you are replying to is not available."))
        if parent.level >= max_thread_level_for_content_type(parent.content_type):
            raise forms.ValidationError(_("This conversation cannot go deeper: reply higher up."))
        self.parent = parent
        return parent_id

    def get_comment_model(self):
        # The library's form builds a TmpXtdComment, a dict for its email
        # confirmation (not mounted here): we save the comment itself.
        return XtdComment

    def check_for_duplicate_comment(self, new):
        # The post view looks for a double click itself, inside the write
        # transaction and under the address's lock; the library's look runs
        # before that, unlocked, and would answer a saved comment to a preview.
        return new

    def seconds_since_displayed(self):
        try:
            return time.time() - int(self.data.get("timestamp", ""))
        except ValueError:
            return None

    def with_fresh_security_data(self):
        """The same form, bound to the same text, with a new timestamp and hash."""
        data = self.data.copy()
        for key, value in self.generate_security_data().items():
            data[key] = value
        data.pop("preview", None)
        return type(self)(self.target_object, data=data)
