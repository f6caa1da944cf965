"""The trajectory's results in the core: insights (until now the Expertarena's own
table; that plugin's migration m0002 moves its rows here, ids kept), actions,
agenda items, their typed links, versions and decisions."""

from peewee import *


def up(migrator, db):
    def stub(name):
        class Stub(Model):
            class Meta:
                database = db
                table_name = name
        return Stub

    Consultation = stub('consultation')
    ConsultationSession = stub('consultation_session')
    Sector = stub('sector')
    StaffUser = stub('staff_user')
    Theme = stub('theme')

    class Insight(Model):
        session = ForeignKeyField(ConsultationSession)
        text = TextField()
        category = CharField(max_length=40, index=True)
        sector = ForeignKeyField(Sector, null=True)
        actor = CharField(max_length=40, default='')
        quote = TextField(default='')
        weight = SmallIntegerField(default=1)
        created_by = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')
        created_at = DateTimeField(index=True)
        updated_at = DateTimeField()
        submission_key = CharField(max_length=64, null=True, unique=True)
        set_aside_reason = TextField(default='')
        set_aside_at = DateTimeField(null=True)
        set_aside_by = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')

        class Meta:
            database = db
            table_name = 'insight'

    class InsightTheme(Model):
        insight = ForeignKeyField(Insight, on_delete='CASCADE')
        theme = ForeignKeyField(Theme)

        class Meta:
            database = db
            table_name = 'insight_theme'
            indexes = ((('insight', 'theme'), True),)

    class Action(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        title = CharField(max_length=200)
        description = TextField(default='')
        kind = CharField(max_length=20, default='action')
        owner = CharField(max_length=20, default='municipality')
        horizon = CharField(max_length=20, default='short')
        status = CharField(max_length=20, default='draft')
        created_by = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'action'

    class InsightAction(Model):
        insight = ForeignKeyField(Insight, on_delete='CASCADE')
        action = ForeignKeyField(Action, on_delete='CASCADE')
        kind = CharField(max_length=20, default='answers')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'insight_action'
            indexes = ((('insight', 'action'), True),)

    class AgendaItem(Model):
        consultation = ForeignKeyField(Consultation, on_delete='CASCADE')
        theme = ForeignKeyField(Theme, null=True, on_delete='SET NULL')
        title = CharField(max_length=200)
        text = TextField(default='')
        position = IntegerField(default=0)
        version = IntegerField(default=1)
        decision = CharField(max_length=20, default='proposed')
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'agenda_item'

    class AgendaItemVersion(Model):
        item = ForeignKeyField(AgendaItem, on_delete='CASCADE')
        version = IntegerField()
        title = CharField(max_length=200)
        text = TextField(default='')
        note = TextField(default='')
        created_by = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'agenda_item_version'
            indexes = ((('item', 'version'), True),)

    class AgendaItemAction(Model):
        item = ForeignKeyField(AgendaItem, on_delete='CASCADE')
        action = ForeignKeyField(Action, on_delete='CASCADE')
        position = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'agenda_item_action'
            indexes = ((('item', 'action'), True),)

    class AgendaDecision(Model):
        item = ForeignKeyField(AgendaItem, on_delete='CASCADE')
        decision = CharField(max_length=20)
        reason = TextField(default='')
        version = IntegerField()
        decided_by = ForeignKeyField(StaffUser, null=True, on_delete='SET NULL')
        decided_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'agenda_decision'

    db.create_tables([Insight, InsightTheme, Action, InsightAction, AgendaItem,
                      AgendaItemVersion, AgendaItemAction, AgendaDecision])
