from django import template

from portfolio.models import ContactMessage

register = template.Library()


@register.simple_tag
def unread_contact_messages():
    """How many contact messages wait to be read: shown on the admin's front page."""
    return ContactMessage.objects.unread().count()
