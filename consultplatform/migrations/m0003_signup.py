"""Online sign-up: seat rules, questions, consent, waiting-list order, the mail outbox."""

# Columns added to existing tables are unbound fields, so a JSON default is given as text.
import time

from peewee import *


def up(migrator, db):
    class ConsultationSession(Model):
        class Meta:
            database = db
            table_name = 'consultation_session'

    class Registration(Model):
        class Meta:
            database = db
            table_name = 'registration'

    class OutboxMail(Model):
        kind = CharField(max_length=40)
        to_address = CharField(max_length=254)
        language = CharField(max_length=5, default='nl')
        subject = CharField(max_length=300)
        text_body = TextField()
        html_body = TextField(default='')
        ics = TextField(default='')
        registration = ForeignKeyField(Registration, null=True, on_delete='SET NULL')
        status = CharField(index=True, max_length=20, default='queued')
        attempts = IntegerField(default=0)
        last_error = CharField(max_length=500, default='')
        next_attempt_at = DateTimeField(index=True)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'mail_outbox'
    db.create_tables([OutboxMail])

    class SessionQuestion(Model):
        session = ForeignKeyField(ConsultationSession, on_delete='CASCADE')
        position = IntegerField(default=0)
        kind = CharField(max_length=20, default='short_text')
        label_nl = CharField(max_length=300)
        label_en = CharField(max_length=300, default='')
        choices_nl = TextField(default='')
        choices_en = TextField(default='')
        required = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'session_question'
    db.create_tables([SessionQuestion])

    migrator.migrate(migrator.add_column('consultation_session', 'side_caps', JSONField(default='{}')))
    migrator.migrate(migrator.add_column('consultation_session', 'invite_token', CharField(unique=True, null=True, max_length=64)))
    migrator.migrate(migrator.add_column('consultation_session', 'reminder_hours', IntegerField(null=True, default=48)))
    # A nullable column starts empty: existing sessions get the default reminder too.
    db.execute_sql("UPDATE consultation_session SET reminder_hours = 48")
    migrator.migrate(migrator.add_column('participant', 'phone', CharField(max_length=40, default='')))
    migrator.migrate(migrator.add_column('participant', 'privacy_accepted_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('participant', 'news_opt_in', BooleanField(default=False)))
    migrator.migrate(migrator.add_column('participant', 'news_consent_version', CharField(max_length=40, default='')))
    migrator.migrate(migrator.add_column('participant', 'news_consent_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('registration', 'answers', JSONField(default='{}')))
    migrator.migrate(migrator.add_column('registration', 'queue_rank', DoubleField(index=True, default=time.time)))
    migrator.migrate(migrator.add_column('registration', 'promoted_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('registration', 'attendance', CharField(null=True, max_length=20)))
    migrator.migrate(migrator.add_column('registration', 'reminded_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('registration', 'ics_sequence', IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('registration', 'registration_queue_rank'))
    migrator.migrate(migrator.drop_index('consultation_session', 'consultation_session_invite_token'))
    migrator.migrate(migrator.drop_column('registration', 'ics_sequence'))
    migrator.migrate(migrator.drop_column('registration', 'reminded_at'))
    migrator.migrate(migrator.drop_column('registration', 'attendance'))
    migrator.migrate(migrator.drop_column('registration', 'promoted_at'))
    migrator.migrate(migrator.drop_column('registration', 'queue_rank'))
    migrator.migrate(migrator.drop_column('registration', 'answers'))
    migrator.migrate(migrator.drop_column('participant', 'news_consent_at'))
    migrator.migrate(migrator.drop_column('participant', 'news_consent_version'))
    migrator.migrate(migrator.drop_column('participant', 'news_opt_in'))
    migrator.migrate(migrator.drop_column('participant', 'privacy_accepted_at'))
    migrator.migrate(migrator.drop_column('participant', 'phone'))
    migrator.migrate(migrator.drop_column('consultation_session', 'reminder_hours'))
    migrator.migrate(migrator.drop_column('consultation_session', 'invite_token'))
    migrator.migrate(migrator.drop_column('consultation_session', 'side_caps'))
    migrator.migrate(migrator.drop_table('session_question'))
    migrator.migrate(migrator.drop_table('mail_outbox'))

