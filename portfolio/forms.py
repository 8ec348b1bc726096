import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from portfolio.models import ContactMessage, Profile, sanitize_rich_text

TIMESTAMP_SALT = "portfolio.contact.started"


def start_token():
    """A signed “form shown at” time: bots that post at once, or replay old forms, are told apart."""
    return signing.dumps(time.time(), salt=TIMESTAMP_SALT)


class ContactForm(forms.ModelForm):
    # Hidden from people by CSS; a bot filling every field fills this one too.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "organization", "subject", "message"]
        labels = {
            "name": _("Your name"),
            "email": _("Your email"),
            "organization": _("Organization"),
            "subject": _("Subject"),
            "message": _("Message"),
        }
        help_texts = {
            "email": _("Only used to answer you."),
            "message": _("The assignment, its dates and place, or simply your question."),
        }
        error_messages = {
            "name": {"required": _("Please tell me your name.")},
            "email": {
                "required": _("Please give an email address so I can answer you."),
                "invalid": _("This email address looks incomplete, e.g. name@example.com."),
            },
            "subject": {"required": _("Please give your message a subject.")},
            "message": {
                "required": _("Please write your message."),
                "max_length": _(
                    "Please keep your message under %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organization": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = start_token()
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_bot(self):
        """The honeypot was filled: the message is dropped without telling the sender."""
        return bool(self.data.get("website"))

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(
                _("This message is very short: say a few words about what you need."),
                code="too_short",
            )
        return message

    def clean_started(self):
        try:
            started = float(signing.loads(self.cleaned_data["started"], salt=TIMESTAMP_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                _("This form could not be checked. Please send it again."), code="invalid"
            ) from None
        elapsed = time.time() - started
        if elapsed > settings.CONTACT_FORM_MAX_AGE:
            raise forms.ValidationError(
                _("This form was open for too long. Please check your message and send it again."),
                code="expired",
            )
        if elapsed < settings.CONTACT_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("This form was sent very quickly. Please check your message and send it again."),
                code="too_fast",
            )
        return started


class ProfileAdminForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "full_name",
            "headline",
            "photo",
            "photo_alt",
            "location",
            "availability",
            "available_from",
            "work_mode",
            "days_per_week",
            "availability_note",
            "pitch",
            "summary",
            "contact_email",
            "is_email_in_vcard",
        ]

    def clean_summary(self):
        # Stored as it will be shown: the author sees in the admin what visitors get.
        return sanitize_rich_text(self.cleaned_data["summary"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("availability") == Profile.Availability.AVAILABLE_FROM and not cleaned.get(
            "available_from"
        ):
            self.add_error("available_from", _("Give the date you are available from."))
        return cleaned
