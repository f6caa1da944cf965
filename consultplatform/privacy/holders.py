"""Every holder of personal data (hook ``cp_personal_data``), and the check that no
model with a participant or registration key is left undeclared."""

from __future__ import annotations

from typing import Any

from consultplatform.contributions import PersonalDataHolder
from consultplatform.models import Participant, Registration
from consultplatform.plugins import PluginError, registry


def all_holders() -> list[tuple[str, PersonalDataHolder]]:
    """Every installed plugin's holders, switched off or not; the core's come
    through its own implementation of the hook, last (see ``core_plugin``)."""
    found = []
    for name, holder in registry().items("cp_personal_data", only_enabled=False):
        if not isinstance(holder, PersonalDataHolder):
            raise PluginError(f"{name}.cp_personal_data must return PersonalDataHolder items")
        found.append((name, holder))
    # Plugins first: their erase may still read the person's name and address.
    return sorted(found, key=lambda pair: pair[0] == "core")


def undeclared(models: list[Any], holders: list[PersonalDataHolder]) -> list[str]:
    """Models with a foreign key to a participant or a registration that no holder
    declares: personal data nobody would export or erase."""
    declared = {model for holder in holders for model in holder.models}
    personal = (Participant, Registration)
    return sorted(model.__name__ for model in models if model not in declared and any(
        getattr(f, "rel_model", None) in personal for f in model._meta.fields.values()))


def every_model() -> list[Any]:
    """The core's models and every installed plugin's (switched off or not)."""
    from consultplatform.models import CORE_MODELS

    found = list(CORE_MODELS)
    for _name, models in registry().results("cp_models", only_enabled=False):
        found += list(models)
    return found
