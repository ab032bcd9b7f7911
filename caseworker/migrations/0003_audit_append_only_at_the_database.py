"""The audit records chained (records written before the chain existed get their hashes now,
in id order) and, on PostgreSQL, refused UPDATE and DELETE by the database itself.

SQLite (development only: with DEBUG off the portal requires PostgreSQL) gets no triggers,
since Django's test runner empties its tables with DELETE between tests.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from caseworker.audit import GENESIS, HASH_FIELDS, record_hash

AUDIT_TABLES = ("caseworker_previewlookup", "caseworker_previewoutcome", "caseworker_grantrecord")

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION caseworker_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def chain_existing_records(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in ("PreviewLookup", "PreviewOutcome"):
        model = apps.get_model("caseworker", name)
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if not field.primary_key and field.attname not in HASH_FIELDS
        ]
        previous = GENESIS
        for row in model._base_manager.order_by("pk").values("pk", *fields):
            pk = row.pop("pk")
            digest = record_hash(table=model._meta.db_table, previous=previous, values=row)
            model._base_manager.filter(pk=pk).update(previous_hash=previous, record_hash=digest)
            previous = digest


def create_triggers(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(APPEND_ONLY_FUNCTION, params=None)
    for table in AUDIT_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION caseworker_audit_append_only()"
        )


def drop_triggers(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in AUDIT_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS caseworker_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("caseworker", "0002_audit_chain_and_grant_records")]

    operations = [
        migrations.RunPython(chain_existing_records, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
