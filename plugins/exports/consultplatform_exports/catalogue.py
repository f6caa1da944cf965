"""Which datasets and formats there are, and who may export which.

- administrators: every dataset, the whole consultation; a ``PERSONAL`` one only
  after stating a purpose (``Offer.needs_purpose``; the download is audit-logged);
- viewers: ``AGGREGATE`` and ``PSEUDONYMOUS`` datasets, the whole consultation;
- moderators: datasets with ``by_session`` that are not personal, limited to the
  sessions they moderate in this consultation;
- the command line (``staff=None``): the server's operator, like an administrator.

The rules are enforced here, server-side, for the page, the worker and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from consultplatform.api import (
    PERSONAL,
    Consultation,
    ConsultationSession,
    ExportDataset,
    Exporter,
    ExportScope,
    moderated_session_ids,
    plugin_registry,
)


@dataclass(frozen=True)
class Offer:
    """A dataset one person may export, and which of its rows."""

    plugin: str
    dataset: ExportDataset
    scope: ExportScope
    needs_purpose: bool

    @property
    def key(self) -> str:
        return self.dataset.key


def datasets_of(consultation: Consultation) -> list[tuple[str, ExportDataset]]:
    """(plugin, dataset) of every enabled plugin, the core's first; keys unique."""
    seen: set[str] = set()
    found = []
    for plugin, dataset in plugin_registry().items("cp_export_datasets",
                                                   consultation=consultation):
        if dataset.key not in seen:
            seen.add(dataset.key)
            found.append((plugin, dataset))
    return found


def exporters() -> dict[str, Exporter]:
    """Every enabled format by key, in the order the plugins give them."""
    return {exporter.key: exporter for _plugin, exporter in plugin_registry().items(
        "cp_exporters")}


def role_of(staff: Any) -> str:
    """``staff``'s role, ``"operator"`` for the command line (``None``)."""
    return "operator" if staff is None else str(staff.role)


def own_sessions(consultation: Consultation, staff: Any) -> frozenset[int]:
    """The sessions of ``consultation`` that ``staff`` moderates (one query)."""
    query = (ConsultationSession.select(ConsultationSession.id)
             .where((ConsultationSession.consultation == consultation.id)
                    & ((ConsultationSession.moderator == staff.id)
                       | ConsultationSession.id.in_(moderated_session_ids(staff) or [0]))))
    return frozenset(session_id for (session_id,) in query.tuples())


def offers(consultation: Consultation, staff: Any) -> list[Offer]:
    """What ``staff`` (a ``StaffUser``; ``None``: the command line) may export."""
    role = role_of(staff)
    whole = ExportScope()
    result = []
    sessions: frozenset[int] | None = None
    for plugin, dataset in datasets_of(consultation):
        personal = dataset.sensitivity == PERSONAL
        if role in ("admin", "operator"):
            result.append(Offer(plugin, dataset, whole, needs_purpose=personal))
        elif role == "viewer" and dataset.sensitivity != PERSONAL:
            result.append(Offer(plugin, dataset, whole, needs_purpose=False))
        elif role == "moderator" and dataset.by_session and not personal:
            if sessions is None:
                sessions = own_sessions(consultation, staff)
            if sessions:
                result.append(Offer(plugin, dataset, ExportScope(sessions),
                                    needs_purpose=False))
    return result


def offer_for(consultation: Consultation, key: str, staff: Any) -> Offer | None:
    """The offer of dataset ``key`` to ``staff``, or None: unknown or not theirs."""
    return next((offer for offer in offers(consultation, staff) if offer.key == key), None)
