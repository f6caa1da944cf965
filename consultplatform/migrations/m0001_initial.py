"""Initial core schema (frozen copy of the models as first released).

Column defaults live in Python, so they are not part of the DDL here.
"""
from peewee import *


def up(migrator, db):
    class StaffUser(Model):
        email = CharField(unique=True, max_length=254)
        name = CharField(max_length=120)
        password_hash = CharField()
        role = CharField(max_length=20, default='viewer')
        active = BooleanField(default=True)
        language = CharField(max_length=5, default='nl')
        last_login_at = DateTimeField(null=True)
        session_token = CharField(max_length=64)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'staff_user'
    db.create_tables([StaffUser])

    class AuditLog(Model):
        actor = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')
        actor_label = CharField(max_length=254, default='')
        action = CharField(index=True, max_length=40)
        object_type = CharField(max_length=80, default='')
        object_id = CharField(max_length=64, default='')
        object_label = CharField(max_length=200, default='')
        result = CharField(max_length=20, default='success')
        origin = CharField(max_length=64, default='')
        details = JSONField(default=dict)
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'audit_log'
    db.create_tables([AuditLog])

    class Consultation(Model):
        title = CharField(max_length=200)
        slug = CharField(unique=True, max_length=80)
        summary = TextField(default='')
        organiser = CharField(max_length=200)
        status = CharField(index=True, max_length=20, default='draft')
        starts_on = DateField(null=True)
        ends_on = DateField(null=True)
        contact_email = CharField(max_length=254, default='')
        contact_phone = CharField(max_length=40, default='')
        privacy_text = TextField(default='')
        retention_until = DateField(null=True)
        formats = JSONField(default=list)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'consultation'
    db.create_tables([Consultation])

    class Sector(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        name = CharField(max_length=120)
        default_seat_cap = IntegerField(null=True)
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'sector'
            indexes = ((('consultation', 'name'), True),)
    db.create_tables([Sector])

    class ConsultationSession(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        format_key = CharField(max_length=60, default='general')
        title = CharField(max_length=200)
        description = TextField(default='')
        sector = ForeignKeyField(Sector, null=True, on_delete='SET NULL')
        starts_at = DateTimeField()
        ends_at = DateTimeField()
        location = CharField(max_length=300, default='')
        online_url = CharField(max_length=500, default='')
        capacity = IntegerField(null=True)
        sector_cap = IntegerField(null=True)
        registration_opens_at = DateTimeField(null=True)
        registration_closes_at = DateTimeField(null=True)
        audience = CharField(max_length=20, default='public')
        moderator = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')
        status = CharField(index=True, max_length=20, default='planned')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'consultation_session'
    db.create_tables([ConsultationSession])

    class Participant(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        name = CharField(max_length=120)
        email = CharField(max_length=254)
        organisation = CharField(max_length=200, default='')
        sector = ForeignKeyField(Sector, null=True, on_delete='SET NULL')
        side = CharField(max_length=20, default='entrepreneur')
        language = CharField(max_length=5, default='nl')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'participant'
            indexes = ((('consultation', 'email'), True),)
    db.create_tables([Participant])

    class PluginSetting(Model):
        plugin = CharField(max_length=80)
        consultation = ForeignKeyField(Consultation, null=True, on_delete='CASCADE')
        data = JSONField(default=dict)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'plugin_setting'
            indexes = ((('plugin', 'consultation'), True),)
    db.create_tables([PluginSetting])

    class PluginState(Model):
        name = CharField(unique=True, max_length=80)
        enabled = BooleanField(default=True)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'plugin_state'
    db.create_tables([PluginState])

    class Registration(Model):
        participant = ForeignKeyField(Participant, on_delete='CASCADE')
        session = ForeignKeyField(ConsultationSession, on_delete='CASCADE')
        status = CharField(index=True, max_length=20, default='confirmed')
        token = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        cancelled_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'registration'
            indexes = ((('session', 'participant'), True),)
    db.create_tables([Registration])

    class SitePage(Model):
        slug = CharField(unique=True, max_length=40)
        title_nl = CharField(max_length=200)
        title_en = CharField(max_length=200)
        body_nl = TextField(default='')
        body_en = TextField(default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'site_page'
    db.create_tables([SitePage])

    class Theme(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        name = CharField(max_length=120)
        description = TextField(default='')
        colour = CharField(max_length=7, default='#1f5f8b')
        position = IntegerField(default=0)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'theme'
            indexes = ((('consultation', 'name'), True),)
    db.create_tables([Theme])

    # NULLs are distinct in a unique index: one install-wide row per plugin needs its own.
    db.execute_sql(
        "CREATE UNIQUE INDEX plugin_setting_install ON plugin_setting (plugin) "
        "WHERE consultation_id IS NULL"
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_table('theme'))
    migrator.migrate(migrator.drop_table('site_page'))
    migrator.migrate(migrator.drop_table('registration'))
    migrator.migrate(migrator.drop_table('plugin_state'))
    migrator.migrate(migrator.drop_table('plugin_setting'))
    migrator.migrate(migrator.drop_table('participant'))
    migrator.migrate(migrator.drop_table('consultation_session'))
    migrator.migrate(migrator.drop_table('sector'))
    migrator.migrate(migrator.drop_table('consultation'))
    migrator.migrate(migrator.drop_table('audit_log'))
    migrator.migrate(migrator.drop_table('staff_user'))

