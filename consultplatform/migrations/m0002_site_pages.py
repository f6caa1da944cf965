"""Default texts of the accessibility statement and the privacy page.

Administrators edit them under Site pages; this only fills an empty table.
"""
import datetime

from peewee import CharField, DateTimeField, Model, TextField

ACCESSIBILITY_NL = """<p>Wij willen dat iedereen dit platform kan gebruiken. De publieke pagina's en de
beheerpagina's zijn gebouwd volgens de richtlijnen WCAG 2.1 op niveau AA: alles werkt met het
toetsenbord, velden hebben labels, de taal van elke pagina staat vast en de kleuren hebben
voldoende contrast.</p>
<h2>Toetsing</h2>
<p>Bij elke wijziging controleren geautomatiseerde tests (axe-core) de pagina's.</p>
<h2>Iets gevonden dat niet werkt?</h2>
<p>Laat het de organisator van de consultatie weten via het contactadres op de pagina van de
consultatie. We reageren binnen vijf werkdagen.</p>"""

ACCESSIBILITY_EN = """<p>We want everyone to be able to use this platform. Its public pages and
staff pages are built to WCAG 2.1 level AA: everything works with the keyboard, fields have
labels, each page states its language and colours have enough contrast.</p>
<h2>Testing</h2>
<p>Automated tests (axe-core) check the pages with every change.</p>
<h2>Found something that does not work?</h2>
<p>Tell the organiser of the consultation through the contact address on its page. We answer
within five working days.</p>"""

PRIVACY_NL = """<p>De gemeente verwerkt uw aanmeldgegevens (naam, e-mailadres, organisatie,
sector) om de consultatie uit te voeren: een taak van algemeen belang (AVG artikel 6 lid 1e).</p>
<p>Nieuws of vervolgberichten ontvangt u alleen als u daar apart toestemming voor geeft.
Uw gegevens worden bewaard tot de bewaardatum van de consultatie en daarna verwijderd.
U kunt uw gegevens inzien, laten aanpassen of laten verwijderen via de link in uw
bevestigingsmail of via het contactadres van de consultatie.</p>
<p>In het verslag aan het college staan alleen aantallen, geen namen.</p>"""

PRIVACY_EN = """<p>The municipality processes your sign-up details (name, e-mail address,
organisation, sector) to carry out the consultation: a task in the public interest (GDPR
article 6(1)(e)).</p>
<p>You receive news or follow-up messages only if you give separate consent. Your data is kept
until the consultation's retention date and deleted after it. You can see, correct or erase
your data through the link in your confirmation e-mail or the consultation's contact
address.</p>
<p>The memo to the municipal executive holds numbers only, no names.</p>"""


def up(migrator, db):
    class SitePage(Model):
        slug = CharField(unique=True, max_length=40)
        title_nl = CharField(max_length=200)
        title_en = CharField(max_length=200)
        body_nl = TextField(default="")
        body_en = TextField(default="")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "site_page"

    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    for slug, title_nl, title_en, body_nl, body_en in [
        ("toegankelijkheid", "Toegankelijkheidsverklaring", "Accessibility statement",
         ACCESSIBILITY_NL, ACCESSIBILITY_EN),
        ("privacy", "Privacyverklaring", "Privacy statement", PRIVACY_NL, PRIVACY_EN),
    ]:
        if not SitePage.select().where(SitePage.slug == slug).exists():
            SitePage.create(slug=slug, title_nl=title_nl, title_en=title_en, body_nl=body_nl,
                            body_en=body_en, updated_at=now)
