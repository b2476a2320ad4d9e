"""The pgvector extension, where the database is PostgreSQL and the role may create it.

Nothing happens on SQLite, or on a PostgreSQL server without the pgvector package unless
VECTOR_ENGINE=pgvector chose it: then the migration stops and says what to run.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def create_extension(apps: Any, schema_editor: Any) -> None:
    from learn.vectors.store.pgvector import ensure_extension

    message = ensure_extension(schema_editor.connection)
    if message:
        print(f"\n  pgvector: {message}")


class Migration(migrations.Migration):
    dependencies = [("vectors", "0001_initial")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=True)]
