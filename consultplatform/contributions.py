"""The data types plugins return from hooks; the core validates and registers them.

Plugins construct these and return them; they never touch the Flask app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

KEY_PATTERN = r"[a-z][a-z0-9_]{1,59}"


@dataclass(frozen=True)
class SessionFormat:
    """A kind of session (general meeting, Expertarena, workshop, ...).

    ``label`` and ``description`` may be lazy translations.
    """

    key: str
    label: Any
    description: Any = ""
    # Endpoint staff open to run a session of this format, if any; it takes the
    # argument ``session_id``. The admin's session list links to it.
    staff_endpoint: str | None = None
    # Endpoint of a public page about one session of this format (argument
    # ``session_id``); the consultation page links to it.
    public_endpoint: str | None = None


# What an export dataset holds, from the least to the most sensitive. Who may export
# it and whether it may be published as open data follow from this (docs/plugins.md).
AGGREGATE = "aggregate"  # counts and totals; may be published as open data
PSEUDONYMOUS = "pseudonymous"  # a row per thing, no names; ids random per export
PERSONAL = "personal"  # names, addresses: administrators only, with a stated purpose
SENSITIVITIES = (AGGREGATE, PSEUDONYMOUS, PERSONAL)

# The kinds of a dataset column: how each format writes its values.
TEXT, INTEGER, DECIMAL, BOOLEAN, DATE = "text", "integer", "decimal", "boolean", "date"
# A naive UTC timestamp (what every ``*_at`` column stores) or an aware datetime.
DATETIME = "datetime"
# A naive wall-clock time in Europe/Amsterdam (what session times are).
LOCAL_DATETIME = "local_datetime"
# An internal id (of a participant, a registration): written as a random pseudonym that
# is the same within one export and differs between exports, so two cannot be joined.
PSEUDONYM = "pseudonym"
COLUMN_KINDS = (TEXT, INTEGER, DECIMAL, BOOLEAN, DATE, DATETIME, LOCAL_DATETIME, PSEUDONYM)


@dataclass(frozen=True)
class DatasetColumn:
    """One column of an export dataset. ``label`` and ``description`` are lazy
    translations: files and the data dictionary show them in Dutch and in English."""

    key: str
    label: Any
    description: Any = ""
    kind: str = TEXT


@dataclass(frozen=True)
class ExportScope:
    """Which rows an export asks for: the whole consultation, or (a moderator's
    export) only these sessions' rows."""

    session_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class ExportDataset:
    """A table a plugin offers to every exporter, read lazily.

    ``rows(scope)`` returns an iterator that reads the database page by page
    (:func:`consultplatform.exporting.keyset_rows`) or through a server-side cursor,
    never a list of every row; one value per column, in column order. ``count(scope)``
    says how many rows ``rows`` will yield, in a fixed number of queries. A dataset
    with ``by_session`` honours ``scope.session_ids``; the others are offered to
    administrators and viewers only.
    """

    key: str
    label: Any
    columns: Sequence[DatasetColumn]
    rows: Callable[[ExportScope], Iterable[Sequence[Any]]]
    count: Callable[[ExportScope], int]
    description: Any = ""
    sensitivity: str = AGGREGATE
    by_session: bool = False


@dataclass
class ExportTable:
    """What an exporter writes: a dataset's columns and its rows made safe by the shared
    writer (:func:`consultplatform.exporting.export_table`): text that a spreadsheet
    would run as a formula neutralised, ids pseudonymised. Values keep their types."""

    dataset: ExportDataset
    rows: Iterator[list[Any]]
    language: str  # of the person exporting: the language of column labels


@dataclass(frozen=True)
class Exporter:
    """A file format. A format that can be sent to the browser while it is made (CSV,
    JSON Lines) gives ``chunks``: the file's bytes, piece by piece, as ``table.rows``
    come. Another (XLSX, which its library writes to a seekable file) gives ``write``,
    which writes the whole file to a binary stream; the background worker builds such
    files. Either way rows are written as they come, never collected (flat memory)."""

    key: str
    label: Any
    mimetype: str
    extension: str
    write: Callable[[ExportTable, BinaryIO], None] | None = None
    chunks: Callable[[ExportTable], Iterator[bytes]] | None = None
    description: Any = ""

    @property
    def streams(self) -> bool:
        return self.chunks is not None

    def write_file(self, table: ExportTable, out: BinaryIO) -> None:
        """Write ``table`` to ``out`` through whichever of the two the format gives."""
        if self.chunks is not None:
            for chunk in self.chunks(table):
                out.write(chunk)
        elif self.write is not None:
            self.write(table, out)
        else:
            raise ValueError(f"exporter {self.key!r} gives neither chunks nor write")


@dataclass(frozen=True)
class MemoSection:
    """A section of the council memo. ``paragraphs`` are plain text, escaped on output."""

    key: str
    title: Any
    order: int
    paragraphs: Sequence[str] = field(default_factory=tuple)
    # Optional table: a header row and data rows, aggregates only (Woo: no names).
    table: Sequence[Sequence[Any]] | None = None


@dataclass(frozen=True)
class PublicBlock:
    """A block a plugin adds to a consultation's public page, below its sessions.

    ``template`` (under ``templates/<plugin>/``) is included in the page's context with
    ``block`` set to this item, so it reads its own values from ``block.context``; it
    starts with an ``<h2>`` (the page's sections do). Blocks are shown by ``order``,
    lowest first. The page is cached: what the block shows must come from tables that
    renew the public revision (hook ``cp_content_revisions``) or from plugin settings.
    """

    key: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 50


@dataclass(frozen=True)
class MigrationSource:
    """Where a plugin's numbered migrations live (a package of ``mNNNN_*.py`` modules)."""

    namespace: str
    package: str


@dataclass(frozen=True)
class EventSpec:
    """An event a plugin declares (``cp_register_events``) and fires with
    ``consultplatform.api.emit_event``; other plugins hear it through ``cp_event``.

    ``name`` is ``<plugin>.<what>`` (``validation.poll_closed``); ``fields`` names
    the payload's keys, so a listener knows what it gets.
    """

    name: str
    description: Any = ""
    fields: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class ContentWatch:
    """A plugin table whose rows show on the core's cached pages or in cached figures.

    At every upgrade the core gives the table a database trigger that renews the
    content revisions named here on each insert, update and delete
    (consultplatform.revisions), so the caches keyed by them are never stale:
    ``public`` for the public pages (a consultation's page, the sign-up form),
    and the insights revision of the row's consultation, found through a column
    holding a session id (``session_column``) or a consultation id
    (``consultation_column``), for the analyses.
    """

    table: str
    public: bool = False
    session_column: str | None = None
    consultation_column: str | None = None


# Where the case's steps go on the consultation dashboard (TrajectoryStep.order).
STEP_ORDER = {"setup": 10, "signup": 20, "expertarenas": 30, "workshops": 40, "agenda": 50,
              "validation": 60, "memo": 70, "follow_up": 80}
STEP_STATES = ("not_started", "in_progress", "done")


@dataclass(frozen=True)
class StepCheck:
    """Something still missing before the next step, and the page that fixes it."""

    text: Any
    url: str


@dataclass(frozen=True)
class TrajectoryStep:
    """One step of a consultation's trajectory on its dashboard.

    ``order`` places it among the case's steps (``STEP_ORDER``); ``state`` is one of
    ``STEP_STATES``; ``figures`` are (label, value) pairs that matter for the step;
    ``checks`` what is missing, each with the page that fixes it; ``url`` the page
    where the step is worked on. Labels may be lazy translations.
    """

    key: str
    label: Any
    order: int
    state: str
    figures: Sequence[tuple[Any, Any]] = field(default_factory=tuple)
    checks: Sequence[StepCheck] = field(default_factory=tuple)
    url: str | None = None


@dataclass(frozen=True)
class SessionFormPart:
    """Fields a plugin adds to the core's session form, for sessions of its format
    (an arena's sectors and extra moderators), so that staff set a session up on one
    page.

    ``fields``: name -> unbound WTForms field; prefix the names with the plugin's.
    ``prepare(form, consultation_id, session)``: set the choices and, on a form that
    is not sent yet, the current values (``session`` is None on a new session).
    ``check(data)``: errors by field name, for the sent values (``data``: every
    field's data, the core's ones too). ``save(session_id, data)``: store the values;
    runs inside the save's transaction, after the session row, so a failure undoes
    both. Only administrators see the fields; sessions of another format never do.
    """

    format_key: str
    fields: Mapping[str, Any]
    prepare: Callable[[Any, int | None, Any], None]
    save: Callable[[int, Mapping[str, Any]], None]
    check: Callable[[Mapping[str, Any]], dict[str, str]] | None = None


@dataclass(frozen=True)
class PersonalDataHolder:
    """What the core or a plugin holds about one participant, and how it goes.

    ``key`` names the holder (``"expertarena.arenas"``); ``label`` heads its part of
    the person's page and export; ``models``: every model of yours with personal
    data (a test fails when a model with a participant or registration foreign key
    is declared by no holder). ``export(participant_id)``: the rows, JSON-safe
    dicts, one per table row (leave secrets such as link tokens out).
    ``erase(participant_id)``: remove or anonymise them; runs inside the erasure's
    transaction before the core blanks the participant itself (so the person's
    name and e-mail address can still be read); returns the number of rows
    changed. ``purpose``, ``legal_basis`` and ``retention`` feed the processing
    register (docs/privacy.md, ``flask privacy register``). ``self_service=False``
    keeps a part off the person's own page and download (staff see it).
    """

    key: str
    label: Any
    models: Sequence[Any] = field(default_factory=tuple)
    export: Callable[[int], list[dict[str, Any]]] = lambda participant_id: []
    erase: Callable[[int], int] = lambda participant_id: 0
    purpose: Any = ""
    legal_basis: Any = ""
    retention: Any = ""
    # False: shown to staff only, not on the person's own page (rows found by matching
    # free text, which a person could steer by choosing their name).
    self_service: bool = True
