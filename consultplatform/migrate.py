"""Numbered schema migrations for the core and every plugin.

Each namespace (``core``, or a plugin's name) has a package of modules named
``mNNNN_what.py`` with an ``up(migrator, db)`` function; applied ones are
recorded in ``schema_migration`` so ``flask db upgrade`` only runs new ones
and never needs a fresh database.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from dataclasses import dataclass

from peewee import CharField, DateTimeField, SqliteDatabase
from playhouse.migrate import SchemaMigrator

from consultplatform import revisions, search, seat_counts
from consultplatform.contributions import MigrationSource
from consultplatform.db import BaseModel, db, is_postgres, utcnow
from consultplatform.plugins import PluginError

log = logging.getLogger(__name__)

MODULE_PATTERN = re.compile(r"m(\d{4})_\w+")
CORE_SOURCE = MigrationSource("core", "consultplatform.migrations")
# Arbitrary constant: serialises concurrent upgrades on one PostgreSQL database.
_ADVISORY_LOCK_KEY = 72_616_101


class SchemaMigration(BaseModel):
    namespace = CharField(max_length=80)
    name = CharField(max_length=120)
    applied_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "schema_migration"
        indexes = ((("namespace", "name"), True),)


@dataclass(frozen=True)
class PendingMigration:
    namespace: str
    name: str
    module_path: str


def discover(source: MigrationSource) -> list[PendingMigration]:
    package = importlib.import_module(source.package)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__)
                   if MODULE_PATTERN.fullmatch(info.name))
    return [PendingMigration(source.namespace, name, f"{source.package}.{name}") for name in names]


def applied() -> set[tuple[str, str]]:
    if not SchemaMigration.table_exists():
        return set()
    return {(row.namespace, row.name) for row in SchemaMigration.select()}


def plugin_sources(registry) -> tuple[list[MigrationSource], list[type[BaseModel]]]:
    """Migration packages of all loaded plugins, and models of plugins without one."""
    sources: list[MigrationSource] = []
    unmigrated: list[type[BaseModel]] = []
    with_source = set()
    for name, source in registry.results("cp_migrations", only_enabled=False):
        if name == "core":
            continue
        if not isinstance(source, MigrationSource) or source.namespace != name:
            raise PluginError(f"{name}.cp_migrations must return MigrationSource({name!r}, ...)")
        sources.append(source)
        with_source.add(name)
    for name, model in registry.items("cp_models", only_enabled=False):
        if name not in with_source:
            unmigrated.append(model)
    return sources, unmigrated


def upgrade(registry) -> list[str]:
    """Apply every pending migration; return their ``namespace:name`` labels."""
    database = db.obj
    done: list[str] = []
    sqlite = isinstance(database, SqliteDatabase)
    with database.connection_context():
        if is_postgres(database):
            database.execute_sql("SELECT pg_advisory_lock(%s)", (_ADVISORY_LOCK_KEY,))
        if sqlite:
            # SQLite changes a column by copying the table and dropping the old one;
            # with foreign keys on, that drop cascades into the child tables and
            # deletes their rows. SQLite's own procedure: keys off, change, check.
            database.execute_sql("PRAGMA foreign_keys = OFF")
        try:
            SchemaMigration.create_table(safe=True)
            seen = applied()
            sources, unmigrated = plugin_sources(registry)
            migrator = SchemaMigrator.from_database(database)
            for source in [CORE_SOURCE, *sources]:
                for pending in discover(source):
                    if (pending.namespace, pending.name) in seen:
                        continue
                    module = importlib.import_module(pending.module_path)
                    with database.atomic():
                        module.up(migrator, database)
                        SchemaMigration.create(namespace=pending.namespace, name=pending.name)
                    label = f"{pending.namespace}:{pending.name}"
                    log.info("applied migration %s", label)
                    done.append(label)
            if unmigrated:
                database.create_tables(unmigrated, safe=True)
            if ("core", "m0006_seat_tally") in seen or "core:m0006_seat_tally" in done:
                # SQLite loses a table's triggers when a migration rebuilds it.
                seat_counts.install_triggers(database)
            if ("core", "m0008_scale") in seen or "core:m0008_scale" in done:
                revisions.install_triggers(database, revisions.content_watches(registry))
                search.install(database)
            if sqlite:
                broken = database.execute_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                database.execute_sql("PRAGMA foreign_keys = ON")
            if is_postgres(database):
                database.execute_sql("SELECT pg_advisory_unlock(%s)", (_ADVISORY_LOCK_KEY,))
    return done
