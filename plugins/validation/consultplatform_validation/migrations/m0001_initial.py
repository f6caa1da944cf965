"""The validation's tables as first released (frozen copies; do not import the live models)."""
from peewee import *


def up(migrator, db):
    def stub(name):
        class Stub(Model):  # a stub of a core table: only what the key needs
            class Meta:
                database = db
                table_name = name
        return Stub

    Consultation = stub('consultation')
    AgendaItem = stub('agenda_item')
    Participant = stub('participant')
    Sector = stub('sector')

    class ValidationRound(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        title = CharField(max_length=200)
        status = CharField(max_length=20, default='draft', index=True)
        sides = JSONField(default=list)
        opens_at = DateTimeField(null=True)
        closes_at = DateTimeField(null=True)
        show_interim = BooleanField(default=False)
        priority_points = IntegerField(default=0)
        open_question = TextField(default='')
        reminder_hours = IntegerField(null=True)
        reminded_at = DateTimeField(null=True)
        room_code = CharField(max_length=12, unique=True)
        current_position = IntegerField(null=True)
        revision = IntegerField(default=1)
        results = JSONField(null=True)
        created_at = DateTimeField()
        opened_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'validation_round'

    class ValidationItem(Model):
        round = ForeignKeyField(ValidationRound, on_delete='CASCADE')
        agenda_item = ForeignKeyField(AgendaItem, null=True, on_delete='SET NULL')
        agenda_version = IntegerField(default=1)
        position = IntegerField()
        title = CharField(max_length=200)
        text = TextField(default='')
        theme_name = CharField(max_length=200, default='')
        state = CharField(max_length=20, default='waiting')

        class Meta:
            database = db
            table_name = 'validation_item'
            indexes = ((('round', 'position'), True),)

    class ValidationVoter(Model):
        round = ForeignKeyField(ValidationRound, on_delete='CASCADE')
        participant = ForeignKeyField(Participant, null=True, on_delete='SET NULL')
        token = CharField(max_length=64, null=True, unique=True)
        sector = ForeignKeyField(Sector, null=True, on_delete='SET NULL')
        side = CharField(max_length=20, default='entrepreneur')
        invited_at = DateTimeField(null=True)
        reminded_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        open_answer = TextField(default='')
        erased_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'validation_voter'
            indexes = ((('round', 'participant'), True),)

    class ValidationBallot(Model):
        voter = ForeignKeyField(ValidationVoter, on_delete='CASCADE')
        item = ForeignKeyField(ValidationItem, on_delete='CASCADE')
        verdict = CharField(max_length=20)
        reason = TextField(default='')
        comment = TextField(default='')
        suggestion = TextField(default='')
        channel = CharField(max_length=10, default='online')
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'validation_ballot'
            indexes = ((('voter', 'item'), True), (('item', 'verdict'), False))

    class ValidationPriority(Model):
        voter = ForeignKeyField(ValidationVoter, on_delete='CASCADE')
        item = ForeignKeyField(ValidationItem, on_delete='CASCADE')
        points = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'validation_priority'
            indexes = ((('voter', 'item'), True),)

    db.create_tables([ValidationRound, ValidationItem, ValidationVoter, ValidationBallot,
                      ValidationPriority])
