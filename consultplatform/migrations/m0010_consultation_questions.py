"""Sign-up questions per consultation, answered once per person (issue 11, point 7)."""

from peewee import *


def up(migrator, db):
    class Consultation(Model):
        class Meta:
            database = db
            table_name = 'consultation'

    class ConsultationQuestion(Model):
        position = IntegerField(default=0)
        kind = CharField(max_length=20, default='short_text')
        label_nl = CharField(max_length=300)
        label_en = CharField(max_length=300, default='')
        choices_nl = TextField(default='')
        choices_en = TextField(default='')
        required = BooleanField(default=False)
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'consultation_question'

    db.create_tables([ConsultationQuestion])
    # One statement, with the default in the database: the migrator's way (a nullable
    # column, filled, then NOT NULL) makes SQLite rebuild the table, which its seat
    # counter triggers on registration (m0006) refuse while the table is renamed.
    json_type = 'JSONB' if isinstance(db, PostgresqlDatabase) else 'TEXT'
    db.execute_sql("ALTER TABLE participant ADD COLUMN answers "
                   f"{json_type} NOT NULL DEFAULT '{{}}'")


def down(migrator, db):
    migrator.migrate(migrator.drop_column('participant', 'answers'))
    migrator.migrate(migrator.drop_table('consultation_question'))
