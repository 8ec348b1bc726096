"""A contact message is stored first, then emailed by the worker: a failing mail server never loses it."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from portfolio.core.locks import lock_per_address
from portfolio.core.outbox import mail_task, send_after_commit
from portfolio.core.security import client_ip
from portfolio.forms import start_token
from portfolio.models import ContactMessage

logger = logging.getLogger(__name__)


def limits():
    return {
        "rate_limit": settings.CONTACT_RATE_LIMIT,
        "rate_window_minutes": max(1, settings.CONTACT_RATE_WINDOW // 60),
    }


def receive(form, request):
    """Save the message unless this address sent too many lately; then notify the owner.

    Returns False when the rate limit refused the message. The count and the
    insert share one transaction that holds a lock: SQLite's IMMEDIATE
    transactions take the write lock up front, and on PostgreSQL an advisory
    lock per address serialises concurrent posts from it, so two workers
    cannot both see "2 sent" and both accept a fourth.
    """
    ip_address = client_ip(request) or None
    with transaction.atomic():
        lock_per_address("contact", ip_address)
        recent = ContactMessage.objects.recent_from(ip_address, settings.CONTACT_RATE_WINDOW)
        if recent.count() >= settings.CONTACT_RATE_LIMIT:
            logger.info("Contact form: rate limit reached for %s", ip_address)
            return False
        message = form.save(commit=False)
        message.ip_address = ip_address
        message.save()
    notify_owner(message)
    return True


def notify_owner(message):
    """Queue the email of `message` to the owner, once it is committed."""
    send_after_commit(send_to_owner, message.pk)


@mail_task(gettext_lazy("Contact message"))
def send_to_owner(message_pk):
    """Email the owner; only once the server took it is the message marked notified."""
    message = ContactMessage.objects.filter(pk=message_pk).first()
    if message is None:
        return  # deleted in the admin before the email left
    admin_url = settings.SITE_URL + reverse(
        "admin:portfolio_contactmessage_change", args=[message.pk]
    )
    # The owner reads the site's default language, whatever the sender's page was.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "portfolio/contact_email.txt", {"message": message, "admin_url": admin_url}
        )
        subject = f"[{settings.SITE_NAME}] {message.subject}"
    EmailMessage(
        " ".join(subject.split())[:200],
        body,
        settings.DEFAULT_FROM_EMAIL,
        [settings.OWNER_EMAIL],
        reply_to=[message.email],
    ).send()
    ContactMessage.objects.filter(pk=message.pk).update(is_notified=True)


def with_fresh_start_token_if_needed(form):
    """An expired or tampered form gets a new token, so sending it again can work."""
    errors = form.errors.get("started")
    if errors and "too_fast" not in [e.code for e in form.errors.as_data()["started"]]:
        data = form.data.copy()
        data["started"] = start_token()
        form.data = data
    return form
