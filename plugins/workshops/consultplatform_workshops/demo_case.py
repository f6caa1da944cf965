"""The demo's workshops, as texts and rules: what the working group of the case
(Noordoostpolder) wrote down, in Dutch like the rest of the demo. Fiction modelled
on the case; demo.py plays it through the board's services.

Each insight of the Expertarena's demo gets its fate from the rules below: the
first action rule whose themes it shares and whose words its text contains; else
a set-aside rule; else the default action of its first leading theme, unless it
is only a picture of the sector or a development nobody is asked to act on.
"""

from __future__ import annotations

A, H, B, P, S = "Arbeidsmarkt", "Huisvesting", "Bereikbaarheid", "Positionering", "Samenwerking"
D, R = "Duurzaamheid en energie", "Regels en vergunningen"

# The two workshop sessions of the demo's template, in order: (question, themes in scope).
WORKSHOPS = [
    ("Wat doen we aan de barrières op de arbeidsmarkt en in de huisvesting?", (A, H)),
    ("Hoe wordt de polder beter bereikbaar, beter zichtbaar en hoe werken we samen?",
     (B, P, S, D, R)),
]

# The working group: the demo's moderator facilitates, these staff take part (fictional
# accounts of role moderator: a viewer may read a board, not work on it).
MEMBERS = [("ruimte@example.org", "Rik Ruimtelijke Ordening"),
           ("beleid@example.org", "Bram Beleidsadviseur"),
           ("onderwijs@example.org", "Olga Onderwijscoördinator")]

# key: (workshop 0/1, title, description, kind, owner, department, horizon)
ACTIONS: dict[str, tuple[int, str, str, str, str, str, str]] = {
    "a1": (0, "Leerwerkakkoord: opleiden in de praktijk",
           "Onderwijs, ondernemers en gemeente spreken af hoeveel leerwerkplekken, stages en "
           "omscholingstrajecten er per sector komen, met begeleiding op de werkvloer.",
           "action", "together", "Economische Zaken en Onderwijs", "medium"),
    "a2": (0, "Gezamenlijke personeelspool voor seizoen, avond en weekend",
           "Ondernemers delen een pool van flexibele krachten, met één contract en één "
           "aanspreekpunt.", "action", "entrepreneurs", "", "short"),
    "a3": (0, "Werkgeversservicepunt: vakmensen werven en behouden",
           "Eén punt waar werkgevers terechtkunnen voor werving, zij-instroom en behoud van "
           "personeel.", "action", "municipality", "Werk en Inkomen", "short"),
    "h1": (0, "Huisvesting voor arbeidsmigranten en seizoenskrachten",
           "Een beleidskader met locaties en voorwaarden, opgesteld met werkgevers en "
           "omwonenden.", "action", "municipality", "Ruimtelijke Ordening", "medium"),
    "h2": (0, "Woningbouw voor starters en nieuwe werknemers versnellen",
           "Flexibele woonvormen en betaalbare woningen, met voorrang voor mensen die in de "
           "polder werken.", "action", "municipality", "Wonen", "long"),
    "h3": (0, "Ruimte voor bedrijven: uitbreiding en nieuwe bedrijfshallen",
           "Duidelijke regels voor uitbreiding op het eigen terrein en grond voor "
           "bedrijfshallen.", "action", "municipality", "Ruimtelijke Ordening", "medium"),
    "b1": (1, "Openbaar vervoer naar werk, stage en recreatie",
           "Buslijnen die aansluiten op ploegendiensten, stagetijden en het weekend, met de "
           "provincie.", "proposal", "municipality", "Verkeer en Vervoer", "medium"),
    "b2": (1, "Veilige wegen en parkeren in centrum en buitengebied",
           "Een plan voor landbouwverkeer, vrachtwagens, fietsers en parkeren.",
           "action", "municipality", "Verkeer en Vervoer", "medium"),
    "p1": (1, "Eén regiomerk voor de polder, met de buurgemeenten",
           "Een merk en één verhaal voor bezoekers, bedrijven en talent.",
           "action", "together", "Marketing en Communicatie", "medium"),
    "p2": (1, "Campagne met de scholen: laten zien hoe afwisselend werk in de polder is",
           "Leerlingen en hun ouders maken kennis met maakindustrie, zorg, bouw en logistiek.",
           "action", "education", "", "short"),
    "s1": (1, "De vijf sectoroverstijgende thema's vormen de sociaal-economische agenda",
           "Arbeidsmarkt, huisvesting, bereikbaarheid, positionering en samenwerking komen in "
           "alle sectoren terug en worden de kern van de agenda.",
           "proposal", "municipality", "Economische Zaken", "short"),
    "s2": (1, "Regiegroep CEO vervangt de Economische Ontwikkelingscommissie",
           "Een kleine regiegroep bewaakt de samenhang tussen de thema's en de sectoren en "
           "zorgt voor opvolging van afspraken.",
           "governance", "together", "Bestuur", "short"),
    "s3": (1, "Zes sectorale overlegorganen, gekoppeld aan de tafels van Regio Zwolle",
           "Per sector een overlegorgaan met ten hoogste vijf deelnemers per sector, "
           "aangesloten op de regionale tafels van Regio Zwolle.",
           "proposal", "together", "Economische Zaken", "medium"),
    "s4": (1, "Eén ondernemersloket met een vaste accountmanager",
           "Ondernemers hebben één aanspreekpunt voor vragen, regelingen en aanbestedingen.",
           "action", "municipality", "Economische Zaken", "short"),
    "r1": (1, "Vergunningen sneller en voorspelbaarder",
           "Vaste termijnen, één set eisen en vooroverleg over plannen.",
           "action", "municipality", "Vergunningen", "short"),
    "r2": (1, "Vooroverleg over bouw- en recreatieplannen",
           "Ondernemers bespreken hun plan vooraf met de gemeente.",
           "action", "municipality", "Vergunningen", "short"),
}
# Drafted apart on the board, then merged (the second into the first).
MERGES = [("r1", "r2")]

# (action, themes, words in the insight's text)
RULES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("a2", (A,), ("seizoen", "zaterdag", "flexibel", "chauffeurs en")),
    ("a1", (A,), ("opleiding", "leerling", "stage", "omscholing", "leerwerk", "scholieren",
                  "jongeren", "vaardigheden", "pensioen", "begeleiding")),
    ("h1", (H,), ("seizoen", "arbeidsmigrant", "chauffeur", "uitzend")),
    ("h3", (H,), ("uitbreiding", "bedrijfshal", "terrein")),
    ("b1", (B,), ("openbaar vervoer", "bus", "bereiken", "file", "reizen")),
    ("p2", (P,), ("jongeren", "imago", "zichtbaar", "laten zien")),
    ("s2", (S,), ("opvolging", "gehoord", "vergeten", "eerder betrokken", "wethouder")),
    ("s3", (S,), ("overleg", "netwerk", "centrummanager", "weinig samen")),
    ("s1", (S, P), ("coöperaties", "bundelen", "arrangementen", "distributiecentrum",
                    "praktijkleerbedrijf", "delen steeds", "ritten")),
    ("r2", (R,), ("verschillen per gemeente", "wonen boven")),
    ("r1", (R,), ("vergunning", "regels")),
]
DEFAULTS = {A: "a3", H: "h2", B: "b2", P: "p1", S: "s4", R: "r1"}

# (reason code, words, note)
ASIDE_RULES: list[tuple[str, tuple[str, ...], str]] = [
    ("already_done", ("internet", "digitale verbindingen"),
     "Glasvezel in het buitengebied wordt al aangelegd."),
    ("not_our_role", ("opvolger",), "Bedrijfsopvolging is aan de ondernemers zelf."),
]
GRID_NOTE = ("Netcapaciteit en verduurzaming liggen bij de netbeheerder en de provincie; de "
             "gemeente brengt dit daar in.")
PICTURE_NOTE = "Een beeld van de sector: achtergrond bij de agenda, geen eigen actie."

# The draft agenda: (theme, title, text, actions in order), the five leading themes first.
AGENDA = [
    (A, "Vakmensen opleiden, vinden en behouden",
     "Onderwijs, ondernemers en gemeente werken samen aan opleiding in de praktijk en aan "
     "werving en behoud van personeel.", ["a1", "a3", "a2"]),
    (H, "Wonen en werken: ruimte voor werknemers en bedrijven",
     "Woningen voor wie in de polder werkt, ook tijdelijk, en ruimte voor bedrijven om te "
     "groeien.", ["h2", "h1", "h3"]),
    (B, "Bereikbaar werk",
     "Werk, stage en recreatie bereikbaar met openbaar vervoer, veilig over de weg.",
     ["b1", "b2"]),
    (P, "De polder op de kaart",
     "Eén verhaal over de polder, voor bezoekers, bedrijven en jong talent.", ["p1", "p2"]),
    (S, "Samenwerken met een vaste structuur",
     "De vijf thema's als kern van de agenda, een regiegroep die de samenhang bewaakt, "
     "overleg per sector en één loket voor ondernemers.", ["s1", "s2", "s3", "s4", "r1"]),
]

# Dots per workshop: (voter's e-mail, action, dots); within 5 per person, 3 per action.
DOTS: list[list[tuple[str, str, int]]] = [
    [("moderator@example.org", "a1", 3), ("moderator@example.org", "h1", 2),
     ("ruimte@example.org", "h2", 3), ("ruimte@example.org", "a1", 2),
     ("beleid@example.org", "h1", 2), ("beleid@example.org", "a3", 2),
     ("beleid@example.org", "h3", 1),
     ("onderwijs@example.org", "a1", 3), ("onderwijs@example.org", "a2", 1)],
    [("moderator@example.org", "s2", 3), ("moderator@example.org", "s3", 2),
     ("ruimte@example.org", "p1", 2), ("ruimte@example.org", "b1", 3),
     ("beleid@example.org", "s2", 2), ("beleid@example.org", "r1", 3),
     ("onderwijs@example.org", "p2", 3), ("onderwijs@example.org", "s3", 2)],
]
