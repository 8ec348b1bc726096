"""One lock per visitor address, for the limits counted in the database.

A per-address limit (the comment flood interval, one report a minute, the
contact form's rate) counts what an address did lately, then writes: two
workers must not both count before either writes.
"""

from django.db import connection

from portfolio.core.security import limit_key


def lock_per_address(scope, address):
    """Make the writes of `scope` from `address` wait for each other until the transaction ends.

    Call inside `transaction.atomic()`, before counting. SQLite needs nothing:
    its transactions are IMMEDIATE (settings.DATABASES), so each takes the write
    lock at BEGIN and writers already run one at a time. PostgreSQL takes a
    transaction-level advisory lock keyed on the scope and the address.
    """
    if connection.vendor != "postgresql":
        return
    # Keyed like the limits count: an IPv6 client is its /64.
    key = limit_key(address or "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{scope}:{key}"])
