"""The workshops' tables as first released (frozen copies; do not import the live models)."""
from peewee import *


def up(migrator, db):
    def stub(name):
        class Stub(Model):  # a stub of a core table: only what the key needs
            class Meta:
                database = db
                table_name = name
        return Stub

    ConsultationSession = stub('consultation_session')
    StaffUser = stub('staff_user')
    Action = stub('action')

    class WorkshopsWorkshop(Model):
        session = ForeignKeyField(ConsultationSession, on_delete='CASCADE', unique=True)
        question = TextField(default='')
        revision = IntegerField(default=1)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'workshops_workshop'

    class WorkshopsScope(Model):
        session = ForeignKeyField(ConsultationSession, on_delete='CASCADE')
        kind = CharField(max_length=20)
        value = CharField(max_length=40)

        class Meta:
            database = db
            table_name = 'workshops_scope'
            indexes = ((('session', 'kind', 'value'), True),)

    class WorkshopsMember(Model):
        session = ForeignKeyField(ConsultationSession, on_delete='CASCADE')
        staff = ForeignKeyField(StaffUser, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'workshops_member'
            indexes = ((('session', 'staff'), True),)

    class WorkshopsAction(Model):
        session = ForeignKeyField(ConsultationSession, on_delete='CASCADE')
        action = ForeignKeyField(Action, on_delete='CASCADE')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'workshops_action'
            indexes = ((('session', 'action'), True),)

    class WorkshopsDot(Model):
        session = ForeignKeyField(ConsultationSession, on_delete='CASCADE')
        voter = ForeignKeyField(StaffUser, on_delete='CASCADE')
        action = ForeignKeyField(Action, on_delete='CASCADE')
        dots = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'workshops_dot'
            indexes = ((('session', 'voter', 'action'), True),)

    db.create_tables([WorkshopsWorkshop, WorkshopsScope, WorkshopsMember, WorkshopsAction,
                      WorkshopsDot])
