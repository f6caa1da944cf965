from peewee import *


def up(migrator, db):
    class FullhooksNote(Model):
        title = CharField(max_length=100)
        body = TextField(default="")

        class Meta:
            database = db
            table_name = "fullhooks_note"

    class FullhooksEvent(Model):
        hook = CharField(max_length=60)
        object_id = IntegerField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "fullhooks_event"

    db.create_tables([FullhooksNote, FullhooksEvent])
