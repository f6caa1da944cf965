"""Per-install plugin switches and plugin settings (JSON, never pickle)."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, JSONField

from consultplatform.db import BaseModel, utcnow
from consultplatform.models.consultation import Consultation


class PluginState(BaseModel):
    name = CharField(max_length=80, unique=True)
    enabled = BooleanField(default=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "plugin_state"


class PluginSetting(BaseModel):
    """Settings of one plugin for the install (no consultation) or one consultation."""

    plugin = CharField(max_length=80)
    consultation = ForeignKeyField(Consultation, null=True, backref="plugin_settings",
                                   on_delete="CASCADE")
    data = JSONField(default=dict)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "plugin_setting"
        indexes = ((("plugin", "consultation"), True),)


# NULLs are distinct in a unique index, so the one install-wide row per plugin
# (consultation IS NULL) needs a partial unique index of its own.
PluginSetting.add_index(
    PluginSetting.index(PluginSetting.plugin, unique=True, name="plugin_setting_install")
    .where(PluginSetting.consultation.is_null())
)
