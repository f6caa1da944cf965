"""The demo's validation round, as data: who votes what on the five items of the
workshops' draft agenda, in Dutch like the rest of the demo. Fiction modelled on
the case; demo.py plays it through the services.

Twelve voters cast 41 verdicts: three entrepreneurs each from industry, construction
and retail, and three people of the municipality. One item is contested by one
sector: retail (Detailhandel) mostly disagrees with "Bereikbaar werk", which is
about getting to work and says nothing about customers reaching the shops, while
every other group agrees. The decision amends it with new wording.
"""

from __future__ import annotations

ROUND_TITLE = "Toetsing conceptagenda"
OPEN_QUESTION = "Wat mist u nog in de agenda?"

# Days before today (Amsterdam): the round opened, the meeting in the room, closing,
# the decisions.
OPENED_DAYS_AGO, MEETING_DAYS_AGO, CLOSED_DAYS_AGO, DECIDED_DAYS_AGO = 12, 5, 3, 1

# The voters: key -> (sector name or None for any, side); the n-th person of that
# group among those who took part (by id), so the demo finds them however the core's
# demo draws its people.
VOTERS: dict[str, tuple[str | None, str]] = {
    "I1": ("Industrie", "entrepreneur"), "I2": ("Industrie", "entrepreneur"),
    "I3": ("Industrie", "entrepreneur"),
    "B1": ("Bouw", "entrepreneur"), "B2": ("Bouw", "entrepreneur"),
    "B3": ("Bouw", "entrepreneur"),
    "D1": ("Detailhandel", "entrepreneur"), "D2": ("Detailhandel", "entrepreneur"),
    "D3": ("Detailhandel", "entrepreneur"),
    "G1": (None, "government"), "G2": (None, "government"), "G3": (None, "government"),
}

# The item (0-based, in the agenda's order) the demo contests, and the sector that does.
CONTESTED, CONTESTING_SECTOR = 2, "Detailhandel"

A, AC, D, N = "agree", "agree_changes", "disagree", "no_opinion"
# Per item: (voter, verdict, reason, suggested wording, channel). Room: voted on a
# phone in the meeting; paper: a form entered by staff afterwards.
VOTES: list[list[tuple[str, str, str, str, str]]] = [
    [("I1", A, "", "", "online"), ("I2", A, "Precies wat we nodig hebben.", "", "online"),
     ("I3", AC, "Zij-instromers uit andere sectoren horen er ook bij.",
      "Onderwijs, ondernemers en gemeente werken samen aan opleiding in de praktijk, ook "
      "voor zij-instromers, en aan werving en behoud van personeel.", "paper"),
     ("B1", A, "", "", "online"), ("B2", A, "", "", "online"), ("B3", A, "", "", "online"),
     ("D1", A, "", "", "online"), ("D2", A, "", "", "online"),
     ("G1", A, "", "", "room"), ("G2", A, "", "", "room")],
    [("I1", AC, "Ook ruimte voor uitbreiding op het eigen terrein noemen.", "", "online"),
     ("I2", A, "", "", "online"), ("B1", A, "", "", "online"),
     ("B2", AC, "Flexwonen alleen met goede afspraken met omwonenden.", "", "online"),
     ("B3", D, "Eerst de woningen voor starters, dan pas tijdelijke huisvesting.", "",
      "online"),
     ("D1", N, "", "", "online"), ("D3", A, "", "", "online")],
    [("I1", A, "", "", "online"),
     ("I2", A, "Goede busverbindingen zijn hard nodig.", "", "online"),
     ("I3", A, "", "", "paper"), ("B1", A, "", "", "online"),
     ("B2", AC, "Ook de bouwverkeerroutes meenemen.", "", "room"),
     ("B3", A, "", "", "room"),
     ("D1", D, "Het gaat alleen over woon-werkverkeer; klanten moeten de winkels ook kunnen "
               "bereiken.", "", "room"),
     ("D2", D, "Parkeren in het centrum ontbreekt, terwijl winkels daarvan afhangen.", "",
      "room"),
     ("D3", AC, "Maak er bereikbaarheid voor werk én voor bezoekers van.",
      "Werk, stage, winkels en recreatie bereikbaar met openbaar vervoer, veilig over de weg "
      "en met voldoende parkeerplaatsen in het centrum.", "online"),
     ("G1", A, "", "", "room"), ("G2", A, "", "", "room"), ("G3", A, "", "", "room")],
    [("I1", A, "", "", "online"), ("I3", N, "", "", "paper"), ("B1", A, "", "", "online"),
     ("D2", A, "", "", "online"),
     ("D3", AC, "Laat ook de winkelkernen zien.", "", "online"),
     ("G3", A, "", "", "online")],
    [("I2", A, "", "", "online"), ("I3", A, "", "", "paper"), ("B2", A, "", "", "online"),
     ("D1", A, "Eén loket scheelt ons veel tijd.", "", "online"),
     ("D3", A, "", "", "online"),
     ("G2", AC, "Leg vast hoe vaak de regiegroep rapporteert.",
      "De vijf thema's als kern van de agenda, een regiegroep die de samenhang bewaakt en "
      "twee keer per jaar rapporteert, overleg per sector en één loket voor ondernemers.",
      "online")],
]

OPEN_ANSWERS = {
    "I2": "Aandacht voor energie: het net zit vol en dat remt uitbreiding.",
    "D1": "Een aanspreekpunt voor de winkelcentra.",
}

# The decisions after closing, per item: (decision, reason, new title or None, new text).
DECISIONS: list[tuple[str, str, str | None, str | None]] = [
    ("adopted", "Brede steun in alle sectoren; zij-instromers worden meegenomen in de "
                "uitwerking.", None, None),
    ("adopted", "Gesteund, met aandacht voor goede afspraken met omwonenden bij flexwonen.",
     None, None),
    ("amended", "De detailhandel miste de bereikbaarheid van de winkels voor klanten en het "
                "parkeren in het centrum; die staan er nu uitdrukkelijk in.",
     "Bereikbaar werk en bereikbare winkels",
     "Werk, stage, winkels en recreatie bereikbaar met openbaar vervoer, veilig over de weg "
     "en met voldoende parkeerplaatsen in het centrum."),
    ("adopted", "", None, None),
    ("adopted", "Gesteund; de regiegroep rapporteert twee keer per jaar.", None, None),
]
