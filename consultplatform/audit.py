"""Writing the audit log: who did what to which object, with what result, from where."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from consultplatform.models import AuditLog


def object_label(obj: Any) -> str:
    """A label for the log. Models that hold personal data define ``audit_label``."""
    if obj is None:
        return ""
    labeller = getattr(obj, "audit_label", None)
    return (labeller() if callable(labeller) else str(obj))[:200]


_paused: ContextVar[bool] = ContextVar("audit_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """No audit rows inside: the demo loader writes made-up results through the real
    services (nobody acted, so the log stays true to what people did)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def record(action: str, obj: Any = None, *, result: str = "success",
           object_type: str | None = None, details: dict | None = None,
           actor_user: Any = None, with_origin: bool = True) -> AuditLog | None:
    """``actor_user``: who acts when it is not (yet) the logged-in user (a login).
    ``with_origin=False`` leaves the IP address out (a member of the public acting on
    their own data: the log must not tie their address to them). Nothing (None)
    while :func:`paused`."""
    if _paused.get():
        return None
    actor = None
    actor_label = ""
    origin = ""
    if has_request_context():
        origin = (request.remote_addr or "")[:64] if with_origin else ""
        if current_user and current_user.is_authenticated:
            actor, actor_label = current_user.id, current_user.email
    if actor_user is not None:
        actor, actor_label = actor_user.id, actor_user.email
    object_id = ""
    if obj is not None and getattr(obj, "_pk", None) is not None:
        object_id = str(obj._pk)
    return AuditLog.create(
        actor=actor,
        actor_label=actor_label,
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=object_id,
        object_label=object_label(obj),
        result=result,
        origin=origin,
        details=details or {},
    )
