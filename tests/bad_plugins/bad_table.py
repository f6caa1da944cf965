"""A model whose table is not prefixed with the plugin name: must be refused."""

from peewee import CharField

from consultplatform.api import hookimpl
from consultplatform.db import BaseModel


class Stray(BaseModel):
    name = CharField()

    class Meta:
        table_name = "stray"


@hookimpl
def cp_models():
    return [Stray]
