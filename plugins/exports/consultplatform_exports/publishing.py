"""Open data: administrators publish aggregate datasets on a consultation's public page.

Only ``AGGREGATE`` datasets (counts and totals) may be published: the service looks
the dataset up among the consultation's datasets and refuses any other, whatever the
page offered. What is published is checked again each time it is shown or served
(:func:`open_datasets`): a dataset that has since become more sensitive, or whose
plugin is switched off, is neither listed nor served.
"""

from __future__ import annotations

from flask_babel import gettext as _

from consultplatform.api import (
    AGGREGATE,
    Consultation,
    ExportDataset,
    ExportScope,
    StaffUser,
    audit,
    utcnow,
    write_transaction,
)
from consultplatform_exports.catalogue import Offer, datasets_of
from consultplatform_exports.models import ExportsPublication

UNKNOWN, NOT_AGGREGATE, NOT_ALLOWED = "unknown", "not_aggregate", "not_allowed"


class PublishError(Exception):
    """Refused: ``reason`` is ``UNKNOWN`` (no such consultation or dataset),
    ``NOT_AGGREGATE`` or ``NOT_ALLOWED`` (not an administrator); the message says so."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _staff(staff_id: int) -> StaffUser:
    staff = StaffUser.get_or_none(StaffUser.id == staff_id)
    if staff is None or staff.role != "admin" or not staff.active:
        raise PublishError(NOT_ALLOWED, _("Only administrators may publish open data."))
    return staff


def _consultation(consultation_id: int) -> Consultation:
    consultation = Consultation.get_or_none(Consultation.id == consultation_id)
    if consultation is None:
        raise PublishError(UNKNOWN, _("This consultation does not exist."))
    return consultation


def publishable(consultation: Consultation, key: str) -> ExportDataset:
    """Dataset ``key`` of ``consultation``, if it may be published; else PublishError."""
    dataset = next((d for _plugin, d in datasets_of(consultation) if d.key == key), None)
    if dataset is None:
        raise PublishError(UNKNOWN, _("There is no dataset %(key)s.", key=key[:60]))
    if dataset.sensitivity != AGGREGATE:
        raise PublishError(NOT_AGGREGATE, _(
            "%(dataset)s cannot be published: only datasets with counts and totals "
            "(aggregates) may be open data, never data about people.", dataset=dataset.label))
    return dataset


def _published(consultation_id: int, key: str):
    return ExportsPublication.select().where(
        (ExportsPublication.consultation == consultation_id) & (ExportsPublication.dataset == key))


def publish(consultation_id: int, dataset_key: str, staff_id: int) -> bool:
    """Publish dataset ``dataset_key`` of the consultation as open data (an audit row);
    False when it was published already. PublishError when it may not be."""
    with write_transaction():
        staff = _staff(staff_id)
        consultation = _consultation(consultation_id)
        publishable(consultation, dataset_key)
        if _published(consultation.id, dataset_key).exists():
            return False
        (ExportsPublication.insert(consultation=consultation.id, dataset=dataset_key,
                                   published_by=staff.id, published_at=utcnow())
         .on_conflict_ignore().execute())
        audit.record("export.publish", consultation, details={"dataset": dataset_key},
                     actor_user=staff)
    return True


# What the demo consultation publishes: who took part, and what the arenas found.
DEMO_OPEN_DATA = ("participation", "attendance", "themes", "expertarena_matrix")


def publish_demo(consultation: Consultation) -> int:
    """The demo's open data (``flask demo load``, inside its transaction): the datasets of
    :data:`DEMO_OPEN_DATA` the consultation has, each checked like any publication; no
    staff member and no audit row, as the demo is fiction. Returns how many."""
    published = 0
    for key in DEMO_OPEN_DATA:
        try:
            publishable(consultation, key)
        except PublishError:  # a plugin of the demo not installed here
            continue
        if not _published(consultation.id, key).exists():
            ExportsPublication.create(consultation=consultation.id, dataset=key)
            published += 1
    return published


def unpublish(consultation_id: int, dataset_key: str, staff_id: int) -> bool:
    """Take dataset ``dataset_key`` off the public page (an audit row); False when it
    was not published. Works for any key: what is no longer a dataset can go too."""
    with write_transaction():
        staff = _staff(staff_id)
        consultation = _consultation(consultation_id)
        removed = ExportsPublication.delete().where(
            (ExportsPublication.consultation == consultation.id)
            & (ExportsPublication.dataset == dataset_key[:60])).execute()
        if not removed:
            return False
        audit.record("export.unpublish", consultation, details={"dataset": dataset_key},
                     actor_user=staff)
    return True


def published_keys(consultation_id: int) -> list[str]:
    """The keys published for the consultation, in the order they were (one query)."""
    return [key for (key,) in ExportsPublication.select(ExportsPublication.dataset)
            .where(ExportsPublication.consultation == consultation_id)
            .order_by(ExportsPublication.published_at, ExportsPublication.id).tuples()]


def open_datasets(consultation: Consultation) -> list[tuple[str, ExportDataset]]:
    """(plugin, dataset) of what is published for ``consultation`` and still may be:
    an enabled plugin's ``AGGREGATE`` dataset. One query besides the datasets' hook."""
    keys = published_keys(consultation.id)
    if not keys:
        return []
    found = {d.key: (plugin, d) for plugin, d in datasets_of(consultation)
             if d.sensitivity == AGGREGATE}
    return [found[key] for key in keys if key in found]


def open_offer(consultation: Consultation, key: str) -> Offer | None:
    """The whole of published dataset ``key`` for anyone, or None: not (or no longer) open."""
    for plugin, dataset in open_datasets(consultation):
        if dataset.key == key:
            return Offer(plugin, dataset, ExportScope(), needs_purpose=False)
    return None
