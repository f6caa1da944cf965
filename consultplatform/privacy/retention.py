"""Retention enforced: every night (and on demand, ``flask privacy retention``) the
personal data of each consultation past its retention date is erased through the
same path as a person's own request, mail texts are removed after OUTBOX_BODY_DAYS,
and IP addresses in the audit log are shortened after AUDIT_IP_DAYS."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from dataclasses import dataclass, field

from flask import current_app

from consultplatform.db import utcnow, write_transaction
from consultplatform.models import AuditLog, Consultation, OutboxMail, Participant
from consultplatform.privacy.erasure import erase_participant
from consultplatform.search import compact_search_index
from consultplatform.timezone import now_local

log = logging.getLogger(__name__)


@dataclass
class RetentionReport:
    """What went (or, in a dry run, would go)."""

    participants: dict[str, list[int]] = field(default_factory=dict)  # consultation: ids
    mail_bodies: int = 0
    audit_addresses: int = 0
    dry_run: bool = False
    failed: list[int] = field(default_factory=list)  # erasures that went wrong (logged)


def past_retention(today: dt.date | None = None) -> list[Consultation]:
    today = today or now_local().date()
    return list(Consultation.select().where(Consultation.retention_until.is_null(False)
                                            & (Consultation.retention_until < today))
                .order_by(Consultation.id))


def shortened(address: str) -> str:
    """An IP address cut to its network: 192.0.2.17 -> 192.0.2.0, IPv6 to its /48."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def apply_retention(*, dry_run: bool = False, today: dt.date | None = None) -> RetentionReport:
    report = RetentionReport(dry_run=dry_run)
    for consultation in past_retention(today):
        ids = [p.id for p in Participant.select(Participant.id).where(
            (Participant.consultation == consultation.id) & Participant.erased_at.is_null())
            .order_by(Participant.id)]
        if ids:
            report.participants[consultation.slug] = ids
        if not dry_run:
            for participant_id in ids:
                try:
                    erase_participant(participant_id, "retention", by="retention",
                                      compact=False)
                except Exception:  # the others, and the steps below, still go
                    log.exception("retention: erasing participant #%d failed",
                                  participant_id)
                    report.failed.append(participant_id)
    if report.participants and not dry_run:
        compact_search_index()
    now = utcnow()
    old_mail = ((OutboxMail.created_at < now - dt.timedelta(
        days=int(current_app.config["OUTBOX_BODY_DAYS"])))
        & OutboxMail.status.in_(["sent", "failed"])
        & ((OutboxMail.text_body != "") | (OutboxMail.html_body != "") | (OutboxMail.ics != "")))
    cutoff = now - dt.timedelta(days=int(current_app.config["AUDIT_IP_DAYS"]))
    # {shortened address: the rows that hold the full one}: one UPDATE per network.
    networks: dict[str, list[int]] = {}
    for row in (AuditLog.select(AuditLog.id, AuditLog.origin)
                .where((AuditLog.created_at < cutoff) & (AuditLog.origin != "")).iterator()):
        if (short := shortened(row.origin)) != row.origin:
            networks.setdefault(short, []).append(row.id)
    report.audit_addresses = sum(len(ids) for ids in networks.values())
    if dry_run:
        report.mail_bodies = OutboxMail.select().where(old_mail).count()
        return report
    with write_transaction():
        report.mail_bodies = OutboxMail.update(
            text_body="", html_body="", ics="", compose_spec=None).where(old_mail).execute()
        for short, ids in networks.items():
            for start in range(0, len(ids), 500):  # within every database's limit
                AuditLog.update(origin=short).where(
                    AuditLog.id.in_(ids[start:start + 500])).execute()
    return report
