"""`{{ text|fr_typo:post.language }}`: French no-break spaces (blog/typography.py) on output."""

from django import template

from blog.typography import french_typography

register = template.Library()


@register.filter(is_safe=True)
def fr_typo(value, language):
    """Escaped text or sanitized markup, with French spaces when `language` is French."""
    return french_typography(value, language)
