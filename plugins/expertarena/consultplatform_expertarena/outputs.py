"""What the Expertarena contributes to exports and to the council memo.

Datasets hold no names: insights are the moderator's words, quotes are
anonymous, attendance is counted. The memo is a public document (Woo), so it
holds aggregates, the moderators' summaries and anonymous quotes only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from peewee import JOIN, fn

from consultplatform.api import (
    DATETIME,
    INTEGER,
    PSEUDONYMOUS,
    Consultation,
    ConsultationSession,
    DatasetColumn,
    ExportDataset,
    ExportScope,
    Insight,
    InsightTheme,
    MemoSection,
    Participant,
    Registration,
    Sector,
    Theme,
    choices,
    counted,
    current_language,
    keyset_pages,
    now_local,
)
from consultplatform_expertarena.analysis import (
    Scope,
    leading_themes,
    load_matrix,
    participation,
    top_by_sector,
)
from consultplatform_expertarena.arenas import FORMAT_KEY, arena_query, arena_sectors
from consultplatform_expertarena.settings import arena_settings

MEMO_ORDER = 40
QUOTES_PER_SECTOR = 2
# The memo is public: groups smaller than this are shown as "< 3", and quotes are not
# tied to a sector where fewer entrepreneurs than this took part.
SMALL_GROUP = 3
fromisoformat = datetime.fromisoformat
PAGE_SIZE = 2000  # insights per query of an export


def uses_arenas(consultation: Consultation) -> bool:
    return FORMAT_KEY in (consultation.formats or [])


# --- export datasets -------------------------------------------------------------------


def _arena_ids(consultation: Consultation, scope: ExportScope):
    """The consultation's arenas, or those of them in ``scope`` (a moderator's own)."""
    ids = Scope(consultation).session_ids()
    if scope.session_ids is None:
        return ids
    return ids.where(ConsultationSession.id.in_(sorted(scope.session_ids)))


def _insight_query(consultation: Consultation, scope: ExportScope):
    return Insight.select().where(Insight.session.in_(_arena_ids(consultation, scope)))


def _insight_rows(consultation: Consultation, scope: ExportScope) -> Iterator[list]:
    """Every insight with its themes, in pages of a few thousand (keyset on the id):
    one query for a page of insights, one for their themes. Labels are looked up
    once, in the language of the person exporting."""
    settings, language = arena_settings(consultation), current_language()
    titles = dict(ConsultationSession.select(ConsultationSession.id, ConsultationSession.title)
                  .where(ConsultationSession.id.in_(_arena_ids(consultation, scope))).tuples())
    sectors = dict(Sector.select(Sector.id, Sector.name)
                   .where(Sector.consultation == consultation).tuples())
    categories = {c.code: settings.category_label(c.code, language) for c in settings.categories}
    actors: dict[str, str] = {}  # who-should-act codes and their labels, as they come
    # The rows as the drivers return them (peewee's row objects and conversions are a
    # third of the export's time at a million rows); SQLite's text timestamps are read
    # in _insight_page. ``session + 0``: SQLite reads each page along the primary key
    # from the last id and filters the session, instead of taking the session's index
    # and sorting the arenas' remaining rows for every page.
    query = (Insight.select(Insight.id, Insight.session, Insight.sector, Insight.category,
                            Insight.actor, Insight.weight, Insight.text, Insight.quote,
                            Insight.created_at)
             .where((Insight.session + 0).in_(_arena_ids(consultation, scope))).tuples())
    for page in keyset_pages(query, Insight.id, PAGE_SIZE, raw=True):
        yield from _insight_page(page, titles, sectors, categories, actors, settings,
                                 language)


def _insight_page(page: list[tuple], titles: dict, sectors: dict, categories: dict,
                  actors: dict, settings, language: str) -> Iterator[list]:
    themes: dict[int, list[str]] = {}
    for insight_id, name in (InsightTheme.select(InsightTheme.insight, Theme.name)
                             .join(Theme)
                             .where(InsightTheme.insight.between(page[0][0], page[-1][0]))
                             .order_by(Theme.position, Theme.name).tuples()):
        themes.setdefault(insight_id, []).append(name)
    for (insight_id, session_id, sector_id, category, actor, weight, text, quote,
         created_at) in page:
        if actor not in actors:
            actors[actor] = settings.actor_label(actor, language)
        yield [insight_id, session_id, titles.get(session_id, ""),
               sectors.get(sector_id, "") if sector_id else "",
               categories.get(category) or settings.category_label(category, language),
               "; ".join(themes.get(insight_id, [])), actors[actor], weight, text, quote,
               fromisoformat(created_at) if created_at.__class__ is str else created_at]


def _matrix_rows(consultation: Consultation) -> list[list]:
    """Aggregates of the whole consultation (a moderator cannot export it)."""
    matrix = load_matrix(Scope(consultation))
    settings = arena_settings(consultation)
    names = {s.id: s.name for s in matrix.sectors}
    return [[names.get(key, "") if key is not None else "", theme.name,
             matrix.cell(key, theme.id),
             *(matrix.cell(key, theme.id, c.code) for c in settings.categories)]
            for key in matrix.row_keys() for theme in matrix.themes]


def _attendance_rows(consultation: Consultation, scope: ExportScope) -> list[list]:
    query = (Registration
             .select(ConsultationSession.id, ConsultationSession.title, Sector.name,
                     Participant.side, Registration.attendance, fn.COUNT(Registration.id))
             .join(Participant).join(Sector, JOIN.LEFT_OUTER)
             .join_from(Registration, ConsultationSession)
             .where(Registration.session.in_(_arena_ids(consultation, scope))
                    & (Registration.status == "confirmed"))
             .group_by(ConsultationSession.id, ConsultationSession.title, Sector.name,
                       Participant.side, Registration.attendance)
             .tuples())
    rows: dict[tuple, list] = {}
    for session_id, title, sector, side, attendance, count in query:
        row = rows.setdefault((session_id, sector or "", side),
                              [session_id, title, sector or "", side, 0, 0, 0])
        row[4] += count
        if attendance == "attended":
            row[5] += count
        elif attendance == "no_show":
            row[6] += count
    return [rows[key] for key in sorted(rows)]


def export_datasets(consultation: Consultation) -> list[ExportDataset]:
    if not uses_arenas(consultation):
        return []
    settings = arena_settings(consultation)

    def insights(scope: ExportScope) -> Iterator[list]:
        return _insight_rows(consultation, scope)

    def insight_count(scope: ExportScope) -> int:
        return _insight_query(consultation, scope).count()

    def matrix(scope: ExportScope) -> list[list]:
        return _matrix_rows(consultation)

    def attendance(scope: ExportScope) -> list[list]:
        return _attendance_rows(consultation, scope)

    return [
        ExportDataset(
            key="expertarena_insights", label=_l("Expertarena insights (no names)"),
            description=_l("Every insight as the moderator recorded it, with its themes."),
            columns=[
                DatasetColumn("insight_id", _l("Insight number"), kind=INTEGER),
                DatasetColumn("session_id", _l("Session number"), kind=INTEGER),
                DatasetColumn("session", _l("Session")),
                DatasetColumn("sector", _l("Sector"), _l("The sector the insight is about.")),
                DatasetColumn("category", _l("Category")),
                DatasetColumn("themes", _l("Themes"), _l("The insight's themes, separated "
                                                         "by semicolons.")),
                DatasetColumn("who_should_act", _l("Who should act")),
                DatasetColumn("weight", _l("Weight"), _l("How strongly it came up: 1 "
                                                         "mentioned, 2 clearly, 3 strongly "
                                                         "and widely shared."),
                              kind=INTEGER),
                DatasetColumn("text", _l("Insight"), _l("The moderator's words.")),
                DatasetColumn("quote", _l("Quote"), _l("An anonymous quote, if any.")),
                DatasetColumn("recorded_at", _l("Recorded"), kind=DATETIME),
            ],
            rows=insights, count=insight_count,
            sensitivity=PSEUDONYMOUS, by_session=True),
        ExportDataset(
            key="expertarena_matrix", label=_l("Expertarena: insights per sector and theme"),
            description=_l("The sector x theme matrix: insights per cell, in total and per "
                           "category."),
            columns=[
                DatasetColumn("sector", _l("Sector")),
                DatasetColumn("theme", _l("Theme")),
                DatasetColumn("insights", _l("Insights"), kind=INTEGER),
                *(DatasetColumn(c.code, settings.category_label(c.code, current_language()),
                                _l("Insights in this category."), kind=INTEGER)
                  for c in settings.categories),
            ],
            rows=matrix, count=counted(matrix)),
        ExportDataset(
            key="expertarena_attendance", label=_l("Expertarena: attendance per sector and side"),
            description=_l("Per arena, sector and side: confirmed registrations, and how "
                           "many came or did not come."),
            columns=[
                DatasetColumn("session_id", _l("Session number"), kind=INTEGER),
                DatasetColumn("session", _l("Session")),
                DatasetColumn("sector", _l("Sector")),
                DatasetColumn("side", _l("Side")),
                DatasetColumn("confirmed", _l("Confirmed"), kind=INTEGER),
                DatasetColumn("attended", _l("Attended"), kind=INTEGER),
                DatasetColumn("no_show", _l("Did not come"), kind=INTEGER),
            ],
            rows=attendance, count=counted(attendance), by_session=True),
    ]


# --- the council memo ----------------------------------------------------------------


def _join(items: list[str]) -> str:
    """Sentences as one list: "a; b; c." (each without its own full stop)."""
    return "; ".join(item.strip().rstrip(".").strip() for item in items) + "."


def _group(count: int) -> int | str:
    """A count of people for the public memo: small groups are not shown exactly."""
    return f"< {SMALL_GROUP}" if 0 < count < SMALL_GROUP else count


def memo_sections(consultation: Consultation) -> list[MemoSection]:
    """"What entrepreneurs told us": leading themes, per sector the ambitions and
    barriers, who took part per sector and side, anonymous quotes."""
    if not uses_arenas(consultation):
        return []
    now = now_local()
    arenas = [a for a in arena_query(consultation)
              if a.status != "cancelled" and a.starts_at <= now]
    if not arenas:
        return []
    settings, language = arena_settings(consultation), current_language()
    scope = Scope(consultation)
    matrix = load_matrix(scope)
    leading = leading_themes(matrix, settings.leading_threshold)
    wanted = [c for c in (settings.ambition_category, settings.barrier_category) if c]
    top = top_by_sector(scope, wanted, settings.top_per_sector)
    quotes = top_by_sector(scope, [], QUOTES_PER_SECTOR, quotes=True)
    people = participation(scope, now)
    sector_arenas: dict[int, int] = {}
    for sectors in arena_sectors(arenas).values():
        for sector in sectors:
            sector_arenas[sector.id] = sector_arenas.get(sector.id, 0) + 1

    took_part = people.total("took_part")
    entrepreneurs = people.total("took_part", side="entrepreneur")
    paragraphs = [" ".join([
        ngettext("%(num)d Expertarena was held.", "%(num)d Expertarenas were held.", len(arenas)),
        ngettext("%(num)d person took part,", "%(num)d people took part,", took_part),
        ngettext("%(num)d of them an entrepreneur.", "%(num)d of them entrepreneurs.",
                 entrepreneurs),
        ngettext("The moderators recorded %(num)d insight.",
                 "The moderators recorded %(num)d insights.", matrix.total()),
    ])]
    if leading.leading:
        paragraphs.append(_(
            "Leading themes, named in at least %(required)d of the %(sectors)d sectors that "
            "contributed: %(themes)s.", required=leading.required, sectors=leading.contributing,
            themes=", ".join(row.theme.name for row in leading.leading)))
    else:
        paragraphs.append(_("No theme came up in enough sectors to count as leading."))
    for sector in matrix.sectors:
        parts = []
        for code in wanted:
            found = [insight.text for insight in top.get((sector.id, code), [])]
            if found:
                parts.append(f"{settings.category_label(code, language)}: {_join(found)}")
        if parts:
            paragraphs.append(f"{sector.name}. " + " ".join(parts))
    said = [f"“{insight.quote}”" + (
                f" ({sector.name})" if people.total("took_part", sector=sector.id,
                                                    side="entrepreneur") >= SMALL_GROUP else "")
            for sector in matrix.sectors for insight in quotes.get((sector.id, ""), [])]
    if said:
        paragraphs.append(_("In their own words (anonymous): %(quotes)s",
                            quotes=" ".join(said)))

    sides = [side for side, _label in choices.SIDES if people.total("took_part", side=side)]
    header = [_("Sector"), _("Expertarenas"),
              *(choices.label(choices.SIDES, side) for side in sides), _("Insights")]
    table = [header]
    for sector in matrix.sectors:
        if not (sector_arenas.get(sector.id) or people.total("took_part", sector=sector.id)
                or matrix.row_total(sector.id)):
            continue
        table.append([sector.name, sector_arenas.get(sector.id, 0),
                      *(_group(people.total("took_part", sector=sector.id, side=side))
                        for side in sides),
                      matrix.row_total(sector.id)])
    table.append([_("Total"), len(arenas), *(people.total("took_part", side=s) for s in sides),
                  matrix.total()])
    paragraphs.append(_("Groups of fewer than %(num)d people are shown as “< %(num)d”, so that "
                        "nobody can be recognised.", num=SMALL_GROUP))
    return [MemoSection(key="expertarena", title=_l("What entrepreneurs told us"),
                        order=MEMO_ORDER, paragraphs=paragraphs, table=table)]
