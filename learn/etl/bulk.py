"""Fast bulk UPDATE by primary key: one prepared statement, ``executemany`` over the rows.

Django's ``bulk_update`` builds ``CASE WHEN`` expressions that grow with rows × fields and are
slow on SQLite; this keeps one small statement per model and lets the driver repeat it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def update_rows(
    model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]
) -> None:
    """Write ``fields`` of every object (matched by pk). Fields are model field names."""
    if not objects or not fields:
        return
    meta = model._meta
    columns: list[Any] = [meta.get_field(name) for name in fields]
    pk: Any = meta.pk
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    params = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns]
        + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
