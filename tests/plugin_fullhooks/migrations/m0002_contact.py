from peewee import *


def up(migrator, db):
    class Participant(Model):
        class Meta:
            database = db
            table_name = "participant"

    class FullhooksContact(Model):
        participant = ForeignKeyField(Participant, on_delete="CASCADE")
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "fullhooks_contact"

    db.create_tables([FullhooksContact])
