"""Database ids in URLs: what a stranger types never reaches the database out of range.

SQLite stores integers in 64 bits; a larger one in a lookup raises OverflowError (a 500)
instead of finding nothing. Django 5.2 guards plain integer lookups but not lookups through
a relation, such as django-comments-xtd's `comment_ptr` primary key.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import register_converter

MAX_ID = 2**63 - 1


class DatabaseIdConverter:
    """`<id:pk>`: a positive id that fits a 64-bit column; anything else does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)


def register():
    register_converter(DatabaseIdConverter, "id")


def is_malformed_pk(model, value):
    """True when `value` can be no primary key of `model` (not its type, or out of range)."""
    field = model._meta.pk
    while field.is_relation:
        field = field.target_field
    try:
        python_value = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return True
    if isinstance(python_value, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return not (low is None or low <= python_value) or not (
            high is None or python_value <= high
        )
    return isinstance(python_value, str) and "\x00" in python_value
