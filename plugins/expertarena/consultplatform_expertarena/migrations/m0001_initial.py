"""The Expertarena tables as first released (frozen copies; do not import the live models)."""
from peewee import *


def up(migrator, db):
    class ConsultationSession(Model):  # stubs of core tables: only what the keys need
        class Meta:
            database = db
            table_name = "consultation_session"

    class Sector(Model):
        class Meta:
            database = db
            table_name = "sector"

    class StaffUser(Model):
        class Meta:
            database = db
            table_name = "staff_user"

    class Theme(Model):
        class Meta:
            database = db
            table_name = "theme"

    class ExpertarenaArenaSector(Model):
        session = ForeignKeyField(ConsultationSession, on_delete="CASCADE")
        sector = ForeignKeyField(Sector, on_delete="CASCADE")
        position = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "expertarena_arena_sector"
            indexes = ((("session", "sector"), True),)

    class ExpertarenaArenaModerator(Model):
        session = ForeignKeyField(ConsultationSession, on_delete="CASCADE")
        staff = ForeignKeyField(StaffUser, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "expertarena_arena_moderator"
            indexes = ((("session", "staff"), True),)

    class ExpertarenaInsight(Model):
        session = ForeignKeyField(ConsultationSession)
        text = TextField()
        category = CharField(max_length=40, index=True)
        sector = ForeignKeyField(Sector, null=True)
        actor = CharField(max_length=40, default="")
        quote = TextField(default="")
        weight = SmallIntegerField(default=1)
        created_by = ForeignKeyField(StaffUser, null=True, on_delete="SET NULL")
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()
        submission_key = CharField(max_length=64, null=True, unique=True)

        class Meta:
            database = db
            table_name = "expertarena_insight"

    class ExpertarenaInsightTheme(Model):
        insight = ForeignKeyField(ExpertarenaInsight, on_delete="CASCADE")
        theme = ForeignKeyField(Theme)

        class Meta:
            database = db
            table_name = "expertarena_insight_theme"
            indexes = ((("insight", "theme"), True),)

    class ExpertarenaThemeProposal(Model):
        theme = ForeignKeyField(Theme, unique=True, on_delete="CASCADE")
        session = ForeignKeyField(ConsultationSession, null=True, on_delete="SET NULL")
        proposed_by = ForeignKeyField(StaffUser, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        reviewed_at = DateTimeField(null=True)
        reviewed_by = ForeignKeyField(StaffUser, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "expertarena_theme_proposal"

    db.create_tables([ExpertarenaArenaSector, ExpertarenaArenaModerator, ExpertarenaInsight,
                      ExpertarenaInsightTheme, ExpertarenaThemeProposal])
