"""The processing register entry (AVG art. 30) as far as the code knows it: per holder
of personal data (hook ``cp_personal_data``) its purpose, legal basis, retention and
the columns of its tables. ``flask privacy register`` prints it; docs/privacy.md holds
it between markers (a test keeps the two equal)."""

from __future__ import annotations

from flask_babel import force_locale

from consultplatform.privacy.core_data import SECRET_COLUMNS
from consultplatform.privacy.holders import all_holders

BEGIN = "<!-- register:begin (flask privacy register) -->"
END = "<!-- register:end -->"


def register_markdown() -> str:
    """The generated part, in Dutch (the register is a Dutch municipality's document)."""
    lines = [BEGIN, "", "| gegevens | tabellen en kolommen | doel | grondslag | bewaartermijn |",
             "| --- | --- | --- | --- | --- |"]
    with force_locale("nl"):
        for plugin, holder in sorted(all_holders(), key=lambda pair: (pair[0] != "core",
                                                                       pair[0])):
            tables = "; ".join(
                f"`{model._meta.table_name}`: " + ", ".join(
                    name for name in model._meta.fields if name not in SECRET_COLUMNS)
                for model in holder.models) or "–"
            lines.append(f"| {holder.label} ({plugin}) | {tables} | {holder.purpose} | "
                         f"{holder.legal_basis} | {holder.retention} |")
    lines += ["", END]
    return "\n".join(lines)
