"""Consultations as templates (issue 11, points 3 and 4): a copy holds the structure and
nothing personal; a template file round-trips; a bad file is refused whole."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from consultplatform.demo import load_demo
from consultplatform.models import (
    AuditLog,
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    Insight,
    Participant,
    PluginSetting,
    Registration,
    Sector,
    SessionQuestion,
    Theme,
)
from consultplatform.plugins import registry
from consultplatform.services.consultation_templates import (
    DEMO_TEMPLATE,
    copy_consultation,
    import_template,
)
from consultplatform.structure.export import export_structure
from consultplatform.structure.load import (
    NewConsultation,
    TemplateError,
    describe,
    read_template,
)
from consultplatform.structure.schema import MAX_BYTES, SCHEMA
from consultplatform.testing import factories
from consultplatform_expertarena.models import ExpertarenaArenaSector
from tests.test_served import ROOT

FIRST = dt.date(2031, 3, 3)


def _new(slug: str = "emmeloord", **changes) -> NewConsultation:
    values = {"title": "Retailvisie Centrum Emmeloord", "slug": slug,
              "organiser": "Gemeente Noordoostpolder", "first_day": FIRST,
              "retention_until": dt.date(2032, 12, 31)}
    values.update(changes)
    return NewConsultation(**values)


@pytest.fixture(autouse=True)
def context(app):
    """These tests call the services directly (no test client): one request context."""
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        yield


@pytest.fixture
def demo(app):
    load_demo(registry())
    parent = Consultation.get()
    PluginSetting.create(plugin="expertarena", consultation=parent,
                         data={"leading_threshold": 70})
    arena = ConsultationSession.get(ConsultationSession.format_key == "expertarena")
    for position, sector in enumerate(Sector.select().where(Sector.consultation == parent)
                                      .limit(2)):
        ExpertarenaArenaSector.create(session=arena, sector=sector, position=position)
    ConsultationQuestion.create(consultation=parent, position=2, kind="multiple", required=True,
                                label_nl="Welke thema's spelen bij u?",
                                label_en="Which themes matter to you?",
                                choices_nl="Personeel\nRuimte\nEnergie",
                                choices_en="Staff\nSpace\nEnergy")
    return parent


QUESTION_FIELDS = ("position", "kind", "label_nl", "label_en", "choices_nl", "choices_en",
                   "required")


def _own_questions(consultation) -> list[tuple]:
    """The consultation's questions, field by field, in their order."""
    return [tuple(getattr(q, name) for name in QUESTION_FIELDS)
            for q in ConsultationQuestion.select()
            .where(ConsultationQuestion.consultation == consultation)
            .order_by(ConsultationQuestion.position, ConsultationQuestion.id)]


def _structure(consultation_id: int) -> dict:
    data = export_structure(consultation_id)
    data.pop("exported_at")
    for key in ("title", "organiser", "retention_days"):  # the wizard's own, for a copy
        data["consultation"].pop(key, None)
    return data


def test_a_copy_holds_the_structure_and_nothing_personal(app, demo):
    copy = copy_consultation(demo.id, _new())
    assert copy.status == "draft" and copy.slug == "emmeloord" and copy.starts_on == FIRST
    assert copy.retention_until == dt.date(2032, 12, 31)
    original, copied = _structure(demo.id), _structure(copy.id)
    assert copied == original  # sectors, themes, sessions, questions, settings, arenas
    assert len(original["sessions"]) == 12 and original["plugins"]["expertarena"]
    assert [q["label_nl"] for q in original["consultation"]["questions"]] == [
        "Hoe heeft u van deze consultatie gehoord?", "Welke thema's spelen bij u?"]
    assert _own_questions(copy) == _own_questions(demo) and len(_own_questions(copy)) == 2
    for model, link in ((Participant, Participant.consultation),
                        (Sector, Sector.consultation), (Theme, Theme.consultation)):
        assert model.select().where(link == copy).count() == model.select().where(
            link == demo).count() or model is Participant
    sessions = ConsultationSession.select().where(ConsultationSession.consultation == copy)
    assert Participant.select().where(Participant.consultation == copy).count() == 0
    assert Registration.select().where(Registration.session.in_(sessions)).count() == 0
    assert Insight.select().where(Insight.session.in_(sessions)).count() == 0
    assert all(s.status == "planned" and s.moderator_id is None and s.invite_token is None
               for s in sessions)
    first = min(s.starts_at for s in sessions)
    assert first.date() == FIRST  # dates moved to the new first day, times kept
    assert ExpertarenaArenaSector.select().join(ConsultationSession).where(
        ConsultationSession.consultation == copy).count() > 0
    assert PluginSetting.get(PluginSetting.consultation == copy).data == {"leading_threshold": 70}
    assert AuditLog.select().where(AuditLog.action == "create_from_template").count() == 1


def test_a_file_made_here_makes_the_same_structure_on_an_empty_installation(app, demo):
    raw = json.dumps(export_structure(demo.id)).encode()
    original = _structure(demo.id)
    demo.delete_instance(recursive=True)
    assert Consultation.select().count() == 0
    made = import_template(raw, _new())
    assert _structure(made.id) == original
    assert len(_own_questions(made)) == 2


def test_a_file_without_consultation_questions_is_still_read(app):
    """The consultation's questions came after version 1: a file without them (made
    before, or of a consultation without any) is read as it is, and such a file is
    made without the key, so that earlier releases read it too."""
    parent = factories.consultation()
    factories.session(parent)
    data = export_structure(parent.id)
    assert "questions" not in data["consultation"] and data["version"] == 1
    made = import_template(json.dumps(data).encode(), _new())
    assert _own_questions(made) == []
    data["consultation"]["questions"] = [{"kind": "yes_no", "label_nl": "Komt u?"}]
    data["consultation"]["questions"].append({"kind": "single", "label_nl": "Welke?",
                                              "choices_nl": "A\nB"})
    made = import_template(json.dumps(data).encode(), _new(slug="tweede"))
    assert _own_questions(made) == [(0, "yes_no", "Komt u?", "", "", "", False),
                                    (1, "single", "Welke?", "", "A\nB", "", False)]
    data["consultation"]["questions"][0]["kind"] = "dropdown"
    with pytest.raises(TemplateError, match="consultation/questions/0/kind"):
        import_template(json.dumps(data).encode(), _new(slug="derde"))


def test_the_published_schema_is_the_one_the_platform_checks_with():
    published = json.loads((ROOT / "docs" / "consultation-template.schema.json").read_text())
    assert published == SCHEMA


def test_the_demo_ships_as_a_template_the_platform_accepts(app):
    data = read_template(DEMO_TEMPLATE.read_bytes())
    assert len(data["sessions"]) == 12 and len(data["sectors"]) == 7
    (heard,) = data["consultation"]["questions"]
    assert (heard["label_nl"], heard["kind"], heard["required"]) == (
        "Hoe heeft u van deze consultatie gehoord?", "single", False)
    assert describe(data)["questions"] == 1 + sum(len(s.get("questions", []))
                                                  for s in data["sessions"])


def _tampered(raw: bytes) -> list[tuple[bytes, str]]:
    data = json.loads(raw)
    cases = []

    def variant(change, message):
        copy = json.loads(raw)
        change(copy)
        cases.append((json.dumps(copy).encode(), message))

    variant(lambda d: d.update(version=2), "versie 2")
    variant(lambda d: d.update(format="iets anders"), "geen consultatiesjabloon")
    variant(lambda d: d["sessions"][0].update(capacity=-5), "sessions/0/capacity")
    variant(lambda d: d["sessions"][0].update(format="bestaat_niet"), "bestaat_niet")
    variant(lambda d: d["sessions"][0].update(sector="sector-999"), "sector-999")
    variant(lambda d: d["plugin_settings"].update(roundtable={}), "roundtable")
    variant(lambda d: d["sectors"].append(dict(d["sectors"][0])), "twee keer")
    variant(lambda d: d["sessions"].append(dict(d["sessions"][0])), "bijeenkomstsleutel")
    variant(lambda d: d["plugins"].update(fullhooks={"panels": ["session-999"]}),
            "unknown panel")
    cases.append((raw[: len(raw) // 2], "geen leesbare JSON"))
    cases.append((b"\xff\xfe" + raw[2:], "geen leesbare JSON"))
    cases.append((b" " * (MAX_BYTES + 1), "groter"))
    assert data  # the original is fine
    return cases


def test_a_bad_file_is_refused_with_a_clear_message_and_creates_nothing(app, demo):
    raw = json.dumps(export_structure(demo.id)).encode()
    before = {m: m.select().count() for m in (Consultation, Sector, Theme, ConsultationSession,
                                              SessionQuestion, ConsultationQuestion,
                                              PluginSetting)}
    for bad, message in _tampered(raw):
        with pytest.raises(TemplateError) as refused:
            import_template(bad, _new())
        assert message in str(refused.value), (message, str(refused.value))
        assert {m: m.select().count() for m in before} == before
    import_template(raw, _new())
    with pytest.raises(TemplateError) as taken:
        import_template(raw, _new())
    assert taken.value.field == "slug"


def test_hook_cp_template_export(app):
    parent = factories.consultation()
    panel = factories.session(parent, format_key="fullhooks_panel")
    factories.session(parent)
    data = export_structure(parent.id)
    key = next(s["key"] for s in data["sessions"] if s["format"] == "fullhooks_panel")
    assert data["plugins"]["fullhooks"] == {"panels": [key]}
    assert panel.id


def test_hook_cp_template_import(app):
    parent = factories.consultation()
    factories.session(parent, format_key="fullhooks_panel")
    data = export_structure(parent.id)
    made = import_template(json.dumps(data).encode(), _new())
    assert ConsultationSession.get(ConsultationSession.consultation == made).format_key == \
        "fullhooks_panel"
    data["plugins"]["fullhooks"]["panels"] = ["session-42"]
    with pytest.raises(TemplateError, match="unknown panel"):
        import_template(json.dumps(data).encode(), _new(slug="tweede"))
    assert Consultation.select().where(Consultation.slug == "tweede").count() == 0


def test_the_command_line_exports_and_imports(app, demo, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "noordoostpolder.json"
    result = runner.invoke(args=["consultations", "export", demo.slug, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["version"] == 1
    result = runner.invoke(args=["consultations", "import", str(target), "--title", "Kopie",
                                 "--organiser", "Gemeente", "--first-day", "2031-05-01"])
    assert result.exit_code == 0, result.output
    made = Consultation.get(Consultation.slug == "kopie")
    assert made.status == "draft" and made.starts_on == dt.date(2031, 5, 1)
    target.write_text('{"format": "consultplatform.consultation-template", "version": 9}')
    result = runner.invoke(args=["consultations", "import", str(target), "--title", "Derde",
                                 "--organiser", "Gemeente", "--first-day", "2031-05-01"])
    assert result.exit_code == 1 and "version 9" in result.output
    unknown = runner.invoke(args=["consultations", "export", "bestaat-niet"])
    assert unknown.exit_code == 1 and "no consultation" in unknown.output
