"""The consultation each staff member works on in the admin (issue 11)."""

from peewee import *


def up(migrator, db):
    class Consultation(Model):
        class Meta:
            database = db
            table_name = 'consultation'

    class StaffUser(Model):
        class Meta:
            database = db
            table_name = 'staff_user'

    class StaffWorkspace(Model):
        staff = ForeignKeyField(StaffUser, primary_key=True, on_delete='CASCADE')
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        chosen_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'staff_workspace'

    db.create_tables([StaffWorkspace])
