"""A hand-made round for the results' tests: fifteen voters in groups chosen so that
every rule shows (a merged group, a hidden one, consensus, divergence), and the
verdicts cast through the services. The expected figures are written out in
test_results_compute.py."""

from __future__ import annotations

from consultplatform.api import AgendaItemInput, create_agenda_item
from consultplatform.testing import choose_consultation, factories, login, make_staff
from consultplatform_validation.ballots import set_open_answer, set_priorities

from .world import open_round_for, vote

# Per voter: (name, side, sector key or None); the sector keys are made below.
VOTERS = [
    ("F0", "entrepreneur", "farm"), ("F1", "entrepreneur", "farm"),
    ("F2", "entrepreneur", "farm"), ("F3", "entrepreneur", "farm"),
    ("F4", "entrepreneur", "farm"),  # invited, never votes
    ("S0", "entrepreneur", "shop"), ("S1", "entrepreneur", "shop"),
    ("S2", "entrepreneur", "shop"),
    ("C0", "entrepreneur", "care"), ("C1", "entrepreneur", "care"),
    ("B0", "entrepreneur", "build"),
    ("G0", "government", None), ("G1", "government", None), ("E0", "education", None),
    ("P0", "other", "farm"),  # the public side, in the farming sector: alone
]
SECTORS = {"farm": "Landbouw", "shop": "Detailhandel", "care": "Zorg", "build": "Bouw"}

# Item 1: contested (farming agrees, care and building together mostly disagree).
ITEM_1 = {
    "F0": ("agree", ""), "F1": ("agree", ""),
    "F2": ("agree_changes", "Meer stageplekken"), "F3": ("disagree", "Te duur"),
    "S0": ("agree", ""), "S1": ("agree", "Goed plan"), "S2": ("no_opinion", ""),
    "C0": ("disagree", "Geen draagvlak"), "C1": ("disagree", "al geregeld"),
    "B0": ("agree", ""),
    "G0": ("agree", ""), "G1": ("disagree", "Te duur"), "E0": ("no_opinion", ""),
    "P0": ("disagree", "Niet haalbaar"),
}
# Item 2: consensus; the public side's small groups merged; care's one verdict hidden.
ITEM_2 = {
    "F0": ("agree", ""), "F1": ("agree", ""), "F2": ("agree", ""),
    "F3": ("agree_changes", "Ook voor starters"),
    "S0": ("agree", ""), "S1": ("agree", ""), "S2": ("agree", ""),
    "C0": ("agree", ""),
    "G0": ("agree_changes", "Sneller bouwen"), "G1": ("agree", ""), "P0": ("agree", ""),
}
# Item 3: two verdicts, both groups too small to show, even merged.
ITEM_3 = {"F0": ("no_opinion", ""), "G0": ("disagree", "Andere volgorde")}


def build(app) -> dict:
    """{consultation, round, items, voters (by name), sectors (by key)}."""
    parent = factories.consultation()
    sectors = {key: factories.sector(parent, name) for key, name in SECTORS.items()}
    meeting = factories.session(parent, title="Expertarena")
    for name, side, sector in VOTERS:
        person = factories.participant(parent, side=side,
                                       sector=sectors[sector] if sector else None,
                                       name=f"Persoon {name}",
                                       language="nl" if side == "entrepreneur" else "en",
                                       email=f"{name.lower()}@example.org")
        factories.registration(person, meeting)
    for title in ("Vakmensen opleiden", "Woningen voor werknemers", "Bereikbaarheid"):
        create_agenda_item(parent.id, AgendaItemInput(title=title, text=f"{title}: tekst"))
    world = {"consultation": parent}
    opened = open_round_for(app, world, priority_points=10, open_question="Wat mist er nog?")
    voters = {voter.participant.name.split()[-1]: voter for voter in opened["voters"]}
    items = opened["items"]
    with app.test_request_context():
        for item, verdicts in zip(items, (ITEM_1, ITEM_2, ITEM_3), strict=True):
            for name, (verdict, reason) in verdicts.items():
                vote(voters[name], item, verdict, reason=reason)
        vote(voters["F2"], items[0], "agree_changes", reason="Meer stageplekken",
             suggestion="Vakmensen opleiden en behouden", comment="Samen met het mbo")
        set_priorities(voters["F0"].id, {items[0].id: 4, items[1].id: 6})
        set_priorities(voters["S0"].id, {items[1].id: 5, items[2].id: 5})
        set_priorities(voters["G0"].id, {items[0].id: 10})
        set_open_answer(voters["F1"].id, "Snelle internetverbinding")
        set_open_answer(voters["S1"].id, "aandacht voor starters")
    return {"consultation": parent, "round": opened["round"], "items": items,
            "voters": voters, "sectors": sectors}


def staff_client(app, consultation, role: str = "admin", *, english: bool = True,
                 staff=None):
    """A logged-in client working on ``consultation``; English by default (the texts
    checked are the English msgids: the Dutch come with the catalogue)."""
    client = app.test_client()
    login(client, staff or make_staff(role))
    choose_consultation(client, consultation)
    if english:
        client.set_cookie("lang", "en")
    return client


def add_provenance(made: dict) -> dict:
    """Insights behind the first two items (through actions), for the public page:
    item 1 has four distinct insights (one linked through both of its actions), from
    Landbouw (2), Detailhandel (1) and no sector (1), on Arbeidsmarkt (3) and
    Onderwijs (2); item 2 one insight (Zorg, Wonen); item 3 none."""
    from consultplatform.api import (
        ActionInput,
        AgendaItemAction,
        ConsultationSession,
        Insight,
        InsightTheme,
        Theme,
        create_action,
    )

    parent, sectors = made["consultation"], made["sectors"]
    meeting = ConsultationSession.get(ConsultationSession.consultation == parent.id)
    themes = {name: Theme.create(consultation=parent, name=name)
              for name in ("Arbeidsmarkt", "Onderwijs", "Wonen")}

    def insight(text, sector, *names):
        made_insight = Insight.create(session=meeting, text=text, category="barrieres",
                                      sector=sectors[sector] if sector else None)
        for name in names:
            InsightTheme.create(insight=made_insight, theme=themes[name])
        return made_insight.id

    one = insight("Te weinig vakmensen", "farm", "Arbeidsmarkt")
    two = insight("Stages sluiten niet aan", "farm", "Arbeidsmarkt", "Onderwijs")
    three = insight("Mbo te ver weg", "shop", "Onderwijs")
    four = insight("Geen personeel", None, "Arbeidsmarkt")
    five = insight("Geen woningen", "care", "Wonen")
    first = create_action(parent.id, ActionInput(title="Leerwerkplekken"), [one, two, three])
    second = create_action(parent.id, ActionInput(title="Banenloket"), [two, four])
    third = create_action(parent.id, ActionInput(title="Huisvesting"), [five])
    items = made["items"]
    for position, (item, action) in enumerate(((items[0], first), (items[0], second),
                                               (items[1], third))):
        AgendaItemAction.create(item=item.agenda_item_id, action=action.id, position=position)
    return themes
