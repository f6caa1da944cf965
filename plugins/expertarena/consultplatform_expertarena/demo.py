"""The Expertarena's part of the demo: seven fictional arenas, one per sector,
about fifteen insights each. The five themes of the case come up in every
sector, so they lead; two more themes come up in some sectors only.

Everything here is made up. Six arenas took place (closed, attendance
marked); the seventh is going on right now, so the demo moderator can record
insights at once.
"""

from __future__ import annotations

import datetime as dt
import random

from consultplatform.api import (
    Consultation,
    ConsultationSession,
    Insight,
    InsightTheme,
    Participant,
    Registration,
    Sector,
    StaffUser,
    Theme,
    now_local,
    utcnow,
)
from consultplatform_expertarena.arenas import FORMAT_KEY
from consultplatform_expertarena.models import ExpertarenaThemeProposal

# Two themes beside the core demo's five; the second as if a moderator proposed it.
EXTRA_THEMES = [("Duurzaamheid en energie", "Verduurzaming, energie en het stroomnet.", "#3d5c1f"),
                ("Regels en vergunningen", "Procedures, vergunningen en regels.", "#5c1f3d")]
A, H, B, P, S = "Arbeidsmarkt", "Huisvesting", "Bereikbaarheid", "Positionering", "Samenwerking"
D, R = EXTRA_THEMES[0][0], EXTRA_THEMES[1][0]
BW, ON, AM, BA = "belevingswereld", "ontwikkelingen", "ambities", "barrieres"

# Per sector: (category, themes, insight, weight, who should act, anonymous quote).
INSIGHTS: dict[str, list[tuple]] = {
    "Landbouw": [
        (BW, [P], "Ondernemers zijn trots op de polder, maar buiten de regio weet men weinig van "
                  "wat hier geteeld wordt.", 2, "samen",
         "Iedereen kent de tulpen, niemand weet dat hier de beste pootaardappelen vandaan komen."),
        (ON, [A], "Seizoenswerk wordt vaker door arbeidsmigranten gedaan; vaste medewerkers zijn "
                  "lastig te vinden.", 3, "ondernemers", ""),
        (ON, [D], "De teelt schuift op naar precisielandbouw met sensoren en minder "
                  "gewasbescherming.", 2, "", ""),
        (AM, [A], "Jongeren uit de regio interesseren voor werk met moderne landbouwtechniek.", 2,
         "onderwijs", ""),
        (AM, [P], "De polder neerzetten als proeftuin voor kringlooplandbouw.", 2, "samen", ""),
        (BA, [H], "Huisvesting voor seizoenskrachten stuit op bestemmingsplannen en bezwaren.", 3,
         "gemeente", "We hebben de mensen wel, maar geen bed voor ze."),
        (BA, [R], "Vergunningen voor schuren en mestopslag duren lang en zijn onvoorspelbaar.", 2,
         "gemeente", ""),
        (BA, [B], "Landbouwverkeer en fietsers delen smalle wegen; dat is onveilig.", 2,
         "gemeente", ""),
        (BW, [S], "Contact met de gemeente loopt via veel loketten; men mist één "
                  "aanspreekpunt.", 2, "gemeente", ""),
        (AM, [S], "Samen met het onderwijs een praktijkleerbedrijf opzetten.", 2, "samen", ""),
        (ON, [D], "Boeren willen energie opwekken op het erf, maar het stroomnet zit vol.", 3, "",
         "De panelen liggen klaar, het net kan het niet aan."),
        (BA, [A], "Opleidingen sluiten niet aan op de techniek op het bedrijf.", 2, "onderwijs",
         ""),
        (AM, [B], "Snel internet in het buitengebied voor de data van precisielandbouw.", 1,
         "gemeente", ""),
        (BW, [H], "Bedrijfsopvolgers vinden moeilijk een woning dicht bij het bedrijf.", 1, "", ""),
        (ON, [P, S], "Coöperaties zoeken samen nieuwe afzetmarkten in de regio.", 1, "ondernemers",
         ""),
    ],
    "Industrie": [
        (BW, [A], "Bedrijven concurreren met elkaar om dezelfde technici.", 3, "ondernemers",
         "We pakken elkaars mensen af, dat schiet niet op."),
        (ON, [A], "Automatisering vraagt andere vaardigheden; omscholing wordt belangrijker.", 2,
         "onderwijs", ""),
        (AM, [A], "Een regionale technische opleiding met stages bij bedrijven in de polder.", 2,
         "onderwijs", ""),
        (BA, [H], "Nieuwe medewerkers van buiten vinden geen betaalbare woning in de gemeente.", 3,
         "gemeente", ""),
        (BA, [B], "Het bedrijventerrein is slecht bereikbaar met het openbaar vervoer, zeker "
                  "voor ploegendiensten.", 3, "gemeente", ""),
        (ON, [D], "Klanten vragen om CO2-arme productie; bedrijven elektrificeren.", 2, "", ""),
        (BA, [D], "Netcongestie remt uitbreiding: een zwaardere aansluiting kost jaren.", 3, "",
         "We kunnen groeien, maar krijgen de stroom er niet bij."),
        (AM, [P], "De maakindustrie zichtbaarder maken bij jongeren en hun ouders.", 2, "samen",
         ""),
        (BW, [P], "Men heeft het gevoel dat de regio vooral als landbouwgebied gezien wordt.", 1,
         "", ""),
        (BA, [H], "Regels voor uitbreiding op het eigen terrein zijn onduidelijk.", 2, "gemeente",
         ""),
        (AM, [S], "Een vast overleg van industrie, onderwijs en gemeente met concrete "
                  "afspraken.", 3, "samen", ""),
        (ON, [S], "Bedrijven delen steeds vaker machines en kennis.", 1, "ondernemers", ""),
        (BW, [S], "De lijnen met de wethouder zijn kort, maar de opvolging ontbreekt.", 2,
         "gemeente", ""),
        (AM, [B], "Een snelle busverbinding naar het station voor forensen.", 1, "gemeente", ""),
        (BA, [A, B], "Stageplaatsen blijven leeg omdat leerlingen het bedrijf niet kunnen "
                     "bereiken.", 2, "samen", ""),
    ],
    "Detailhandel": [
        (BW, [P], "Inwoners gaan voor een dagje winkelen naar grotere steden.", 2, "", ""),
        (ON, [P], "Online verkoop groeit; de winkel wordt een plek voor advies en beleving.", 2,
         "ondernemers", ""),
        (BA, [B], "Parkeren in het centrum is duur en onduidelijk voor bezoekers.", 3, "gemeente",
         "Klanten rijden een rondje en gaan dan naar huis."),
        (BA, [A], "Personeel voor de zaterdag en de avonden is nauwelijks te vinden.", 3,
         "ondernemers", ""),
        (AM, [S], "Een centrummanager die winkeliers, horeca en gemeente verbindt.", 3, "samen",
         ""),
        (AM, [P], "Het centrum samen promoten met evenementen en één herkenbare uitstraling.", 2,
         "samen", ""),
        (ON, [H], "Leegstaande winkels worden woningen; dat verandert het straatbeeld.", 1,
         "gemeente", ""),
        (BA, [H, R], "Wonen boven winkels wordt belemmerd door regels en hoge "
                     "verbouwkosten.", 2, "gemeente", ""),
        (BW, [S], "Winkeliers voelen zich niet gehoord bij besluiten over het centrum.", 2,
         "gemeente", ""),
        (AM, [A], "Scholieren via school kennis laten maken met werken in de winkel.", 1,
         "onderwijs", ""),
        (ON, [B], "Meer bezoekers komen op de fiets; er is te weinig stallingsruimte.", 1,
         "gemeente", ""),
        (AM, [B], "Gratis parkeren op koopavonden en zaterdagen, als proef.", 1, "gemeente", ""),
        (BW, [A], "Familiebedrijven vinden moeilijk een opvolger.", 2, "", ""),
        (BA, [S], "Meedoen aan gezamenlijke promotie is vrijwillig; veel winkeliers doen het "
                  "niet.", 2, "ondernemers", ""),
        (ON, [P], "De markt trekt nog steeds veel bezoekers uit de dorpen.", 1, "", ""),
    ],
    "Toerisme en recreatie": [
        (BW, [P], "De polder wordt als bestemming onderschat.", 3, "samen",
         "Mensen rijden erdoorheen op weg naar de kust."),
        (ON, [P], "Meer bezoekers zoeken rust, natuur en fietsroutes.", 2, "", ""),
        (AM, [P], "Eén regiomerk voor de polder, samen met de buurgemeenten.", 3, "samen", ""),
        (BA, [B], "In het weekend rijdt er geen openbaar vervoer naar de recreatieterreinen.", 2,
         "gemeente", ""),
        (BA, [A, H], "Seizoenspersoneel is lastig te vinden en te huisvesten.", 3, "ondernemers",
         ""),
        (ON, [D], "Gasten vragen om laadpalen en duurzame accommodaties.", 1, "", ""),
        (AM, [B], "Een doorgaand fietsnetwerk langs de oude zeedijk.", 2, "gemeente", ""),
        (BA, [R], "Regels voor verblijfsrecreatie verschillen per gemeente.", 2, "gemeente", ""),
        (BW, [S], "Ondernemers werken nog weinig samen; ieder promoot het eigen bedrijf.", 2,
         "ondernemers", ""),
        (AM, [S], "Gezamenlijke arrangementen met horeca, musea en verhuurders.", 2, "ondernemers",
         ""),
        (ON, [H], "Recreatiewoningen worden steeds vaker permanent bewoond.", 2, "gemeente", ""),
        (AM, [A], "Opleidingen in gastvrijheid dichter bij huis.", 1, "onderwijs", ""),
        (BW, [B], "Bezoekers raken de weg kwijt door slechte bewegwijzering.", 1, "gemeente", ""),
        (BA, [S], "Informatie voor toeristen is versnipperd over veel websites.", 1, "samen", ""),
        (ON, [A], "Jongeren werken liever flexibel via platforms dan in vaste dienst.", 1, "", ""),
    ],
    "Zorg": [
        (BW, [A], "Zorgmedewerkers ervaren een hoge werkdruk door de tekorten.", 3, "samen",
         "We draaien de roosters rond met dezelfde mensen."),
        (ON, [A], "De vraag naar thuiszorg groeit door de vergrijzing.", 2, "", ""),
        (AM, [A], "Zij-instromers met een leerwerktraject aan het werk helpen.", 3, "onderwijs",
         ""),
        (BA, [H], "Medewerkers van buiten de regio vinden geen woning.", 3, "gemeente", ""),
        (BA, [B], "De wijkverpleging verliest veel tijd aan reizen tussen de dorpen.", 2, "", ""),
        (AM, [S], "Een regionaal zorgnetwerk van aanbieders, huisartsen en gemeente.", 2, "samen",
         ""),
        (ON, [D], "Zorginstellingen willen hun gebouwen verduurzamen; de financiering is "
                  "lastig.", 1, "", ""),
        (BW, [P], "Werken in de zorg heeft bij jongeren een zwaar imago.", 2, "onderwijs", ""),
        (AM, [P, S], "Samen met de scholen laten zien hoe afwisselend werk in de zorg is.", 2,
         "samen", ""),
        (BA, [S], "Gemeente, verzekeraar en aanbieders werken met verschillende regels en "
                  "potjes.", 2, "gemeente", ""),
        (ON, [H], "Er zijn woningen nodig waar ouderen zelfstandig met zorg kunnen wonen.", 2,
         "gemeente", ""),
        (AM, [B], "Meer zorg op afstand, met goede digitale verbindingen.", 1, "samen", ""),
        (BW, [S], "Kleine zorgondernemers voelen zich niet betrokken bij aanbestedingen.", 1,
         "gemeente", ""),
        (BA, [A], "Stagiairs haken af door gebrek aan begeleiding.", 2, "onderwijs", ""),
        (ON, [P], "Zorgboerderijen trekken cliënten van ver buiten de gemeente.", 1, "", ""),
    ],
    "Bouw": [
        (BW, [A], "Bouwbedrijven weigeren opdrachten door gebrek aan vakmensen.", 3,
         "ondernemers", "Het werk ligt er, de handen niet."),
        (ON, [D], "Verduurzaming van bestaande woningen wordt een groot deel van het werk.", 2, "",
         ""),
        (AM, [H], "Sneller bouwen voor starters en werknemers, met flexibele woonvormen.", 3,
         "gemeente", ""),
        (BA, [R], "Bouwvergunningen duren te lang en de eisen verschillen per project.", 3,
         "gemeente", ""),
        (BA, [H], "Er is te weinig bouwgrond voor betaalbare woningen.", 2, "gemeente", ""),
        (AM, [A], "Leerlingen al vroeg op de bouwplaats laten meewerken.", 2, "onderwijs", ""),
        (ON, [A], "Veel ervaren vakmensen gaan de komende jaren met pensioen.", 2, "", ""),
        (BW, [S], "Ondernemers willen eerder betrokken worden bij plannen van de gemeente.", 2,
         "gemeente", ""),
        (AM, [S], "Bouw, installatie en onderwijs bundelen de opleiding in één bouwcampus.", 2,
         "samen", ""),
        (BA, [B], "Aanvoer van materiaal loopt vast op smalle dorpswegen.", 1, "gemeente", ""),
        (AM, [P], "De polder profileren als plek waar circulair gebouwd wordt.", 1, "samen", ""),
        (ON, [D], "Netcongestie vertraagt de oplevering van nieuwe wijken.", 2, "", ""),
        (BW, [P], "Bouwers zijn trots op de jonge geschiedenis van de polder.", 1, "", ""),
        (BA, [S], "Aanbestedingen zijn te groot voor lokale bedrijven.", 2, "gemeente", ""),
        (ON, [B], "Meer werknemers reizen van buiten de gemeente en staan in de file.", 1, "", ""),
    ],
    "Logistiek": [
        (BW, [B], "Vervoerders zijn afhankelijk van een paar drukke hoofdwegen.", 3, "gemeente",
         "Eén ongeluk op de weg en onze hele planning ligt stil."),
        (ON, [A], "Het tekort aan chauffeurs en magazijnmedewerkers neemt toe.", 3, "", ""),
        (AM, [B], "Een aansluiting op vaarwegen en spoor onderzoeken.", 2, "samen", ""),
        (BA, [B], "Er zijn te weinig veilige parkeerplaatsen voor vrachtwagens.", 2, "gemeente",
         ""),
        (AM, [A], "Een opleiding tot chauffeur en logistiek medewerker in de regio.", 2,
         "onderwijs", ""),
        (BA, [H], "Chauffeurs en uitzendkrachten hebben geen fatsoenlijke huisvesting.", 2,
         "gemeente", ""),
        (ON, [D, B], "Klanten willen emissievrij transport; elektrische trucks vragen "
                     "laadpunten.", 2, "", ""),
        (BW, [P], "De ligging tussen de Randstad en het noorden wordt als kans gezien.", 2, "",
         ""),
        (AM, [P], "De polder neerzetten als logistieke draaischijf voor agrofood.", 2, "samen", ""),
        (BA, [S], "Bedrijven rijden vaak half leeg; samen ritten plannen gebeurt niet.", 1,
         "ondernemers", ""),
        (AM, [S], "Een gezamenlijk distributiecentrum voor lokale producenten.", 2, "ondernemers",
         ""),
        (ON, [A], "Automatisering in magazijnen verandert het werk.", 1, "onderwijs", ""),
        (BW, [S], "Logistieke ondernemers voelen zich vergeten in het economisch beleid.", 2,
         "gemeente", ""),
        (BA, [H], "Uitbreiding van bedrijfshallen loopt vast op de beschikbare grond.", 1,
         "gemeente", ""),
        (ON, [B], "Meer pakketbezorging geeft drukte in de woonwijken.", 1, "", ""),
    ],
}


def load(consultation: Consultation) -> dict[str, int] | None:
    """Fill the arenas the demo's template made (one per sector): six took place, with
    attendance and insights; the last one is going on now."""
    if FORMAT_KEY not in (consultation.formats or []):
        return None
    rng = random.Random(2019)  # noqa: S311 - reproducible fiction, not security
    moderator = StaffUser.get_or_none(StaffUser.email == "moderator@example.org")
    themes = {t.name: t for t in Theme.select().where(Theme.consultation == consultation.id)}
    position = max((t.position for t in themes.values()), default=0)
    for offset, (name, description, colour) in enumerate(EXTRA_THEMES, start=1):
        if name not in themes:
            themes[name] = Theme.create(consultation=consultation, name=name,
                                        description=description, colour=colour,
                                        position=position + offset)
    ExpertarenaThemeProposal.create(theme=themes[R], proposed_by=moderator)

    people = list(Participant.select().where(Participant.consultation == consultation.id)
                  .order_by(Participant.id))
    public_side = [p for p in people if p.side != "entrepreneur"]
    arenas = list(ConsultationSession.select(ConsultationSession, Sector).join(Sector).where(
        (ConsultationSession.consultation == consultation.id)
        & (ConsultationSession.format_key == FORMAT_KEY))
        .order_by(ConsultationSession.starts_at, ConsultationSession.id))
    now = now_local().replace(second=0, microsecond=0)
    insights = registrations = 0
    for index, arena in enumerate(arenas):
        live = index == len(arenas) - 1
        if live:  # going on now: started half an hour ago
            arena.starts_at = now - dt.timedelta(minutes=30)
            arena.ends_at = arena.starts_at + dt.timedelta(hours=2)
        arena.moderator = moderator
        arena.status = "planned" if live else "closed"
        arena.save()
        guests = [p for p in people
                  if p.side == "entrepreneur" and p.sector_id == arena.sector_id][:5]
        guests += rng.sample(public_side, min(3, len(public_side)))
        for person in guests:
            attendance = None if live else ("no_show" if rng.random() < 0.12 else "attended")
            Registration.create(participant=person, session=arena, status="confirmed",
                                attendance=attendance)
            registrations += 1
        # Bookkeeping times are UTC; one insight every few minutes since the start.
        recorded = arena.starts_at + (utcnow() - now_local()) + dt.timedelta(minutes=3)
        step = dt.timedelta(minutes=1.5 if live else 6)
        for number, (category, linked, text, weight, actor, quote) in enumerate(
                INSIGHTS.get(arena.sector.name, [])):
            at = recorded + step * number
            insight = Insight.create(
                session=arena, text=text, category=category, sector=arena.sector_id, actor=actor,
                quote=quote, weight=weight, created_by=moderator, created_at=at, updated_at=at)
            for theme_name in linked:
                if theme_name in themes:
                    InsightTheme.create(insight=insight, theme=themes[theme_name])
            insights += 1
    return {"arenas": len(arenas), "insights": insights, "registrations": registrations}
