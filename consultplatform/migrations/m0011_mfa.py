"""Two-step login for staff (issue 12, point 1): the encrypted TOTP secret, when it was
set up, the last accepted time step (no replayed codes) and the hashed one-time
recovery codes."""

from peewee import *


def up(migrator, db):
    class StaffUser(Model):
        class Meta:
            database = db
            table_name = 'staff_user'

    class StaffRecoveryCode(Model):
        staff = ForeignKeyField(StaffUser, on_delete='CASCADE')
        code_hash = CharField(max_length=64)
        created_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'staff_recovery_code'
            indexes = ((('staff', 'code_hash'), True),)

    # Nullable columns without a default: SQLite adds them in place (no table rebuild).
    migrator.migrate(
        migrator.add_column('staff_user', 'mfa_secret', CharField(max_length=255, null=True)),
        migrator.add_column('staff_user', 'mfa_enrolled_at', DateTimeField(null=True)),
        migrator.add_column('staff_user', 'mfa_last_step', BigIntegerField(null=True)),
    )
    db.create_tables([StaffRecoveryCode])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('staff_recovery_code'))
    for column in ('mfa_last_step', 'mfa_enrolled_at', 'mfa_secret'):
        migrator.migrate(migrator.drop_column('staff_user', column))
