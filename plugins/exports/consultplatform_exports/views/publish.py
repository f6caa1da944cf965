"""Publishing aggregate datasets as open data, from the export page (administrators).

The export page's template includes ``exports/_publish.html``, which asks
:meth:`PublishRoutes.open_data` for what to show; the buttons post to the routes here,
which call the service (:mod:`consultplatform_exports.publishing`): it, not the page,
refuses what may not be published."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from consultplatform.api import (
    AGGREGATE,
    VISIBLE_STATUSES,
    Consultation,
    MixinBase,
    is_admin,
)
from consultplatform_exports.catalogue import Offer
from consultplatform_exports.public import open_formats
from consultplatform_exports.publishing import (
    NOT_ALLOWED,
    UNKNOWN,
    PublishError,
    publish,
    published_keys,
    unpublish,
)
from consultplatform_exports.settings import licence_of


class PublishRoutes(MixinBase):
    """Routes of :class:`~consultplatform_exports.views.page.ExportView` for open data."""

    if TYPE_CHECKING:  # SecureView's, which these routes are combined with
        def deny(self, view: str, obj: Any = None, *, object_type: str | None = None,
                 description: str | None = None) -> NoReturn: ...

    def open_data(self, consultation: Consultation, offers: Sequence[Offer]) -> dict | None:
        """What the open-data block shows (administrators only; None for the others):
        each aggregate dataset, whether it is published and then its public files."""
        if not is_admin():
            return None
        published = published_keys(consultation.id)
        public = consultation.status in VISIBLE_STATUSES
        formats = open_formats()
        rows = []
        for offer in offers:
            if offer.dataset.sensitivity != AGGREGATE:
                continue
            files = [(exporter.label, url_for(
                "exports.download", slug=consultation.slug,
                name=f"{offer.key}.{exporter.extension}", _external=True))
                for exporter in formats] if offer.key in published and public else []
            rows.append({"key": offer.key, "label": offer.dataset.label,
                         "published": offer.key in published, "files": files})
        offered = {row["key"] for row in rows}
        # Published once, no longer an aggregate (or gone): shown so it can be taken off.
        stale = [key for key in published if key not in offered]
        return {"rows": rows, "stale": stale, "public": public, "formats": formats,
                "licence": licence_of(consultation)}

    @expose("/<id:consultation_id>/open-data/publiceren", methods=("POST",))
    def publish_dataset(self, consultation_id: int):
        self._change("publish_dataset", consultation_id, publish)
        flash(_("The dataset is published on the consultation's public page."), "success")
        return redirect(url_for(".index"), code=303)

    @expose("/<id:consultation_id>/open-data/intrekken", methods=("POST",))
    def unpublish_dataset(self, consultation_id: int):
        self._change("unpublish_dataset", consultation_id, unpublish)
        flash(_("The dataset is no longer published."), "success")
        return redirect(url_for(".index"), code=303)

    def _change(self, view: str, consultation_id: int,
                change: Callable[[int, str, int], bool]) -> bool:
        if not is_admin():
            self.deny(view, object_type="ExportsPublication",
                      description=_("Only administrators may publish open data."))
        key = request.form.get("dataset", "")
        if not 0 < len(key) <= 60:
            abort(400, description=_("Use the button on the page to do this."))
        try:
            return change(consultation_id, key, current_user.id)
        except PublishError as refused:
            if refused.reason == NOT_ALLOWED:
                self.deny(view, object_type="ExportsPublication", description=str(refused))
            abort(404 if refused.reason == UNKNOWN else 409, description=str(refused))
