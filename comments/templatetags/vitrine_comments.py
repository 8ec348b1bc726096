"""The comment section of a post, as one tag the blog's templates call.

Named vitrine_comments: a `comments` tag library would shadow django-comments'.
"""

from django import template

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, post):
    return {"post": post, "request": context.get("request")}
