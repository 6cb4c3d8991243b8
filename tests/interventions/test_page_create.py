"""Creating an intervention from the page, with AppTest: each role's form, French messages
beside the field on bad input and nothing written, a client's request lands ``ouverte``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from tests.interventions.page_world import build_world, db_value, open_page, username

PREFIX = "qzc"


@pytest.fixture(scope="module")
def world(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    yield from build_world(owner_engine, PREFIX)


def in_order(node: Any) -> list[Any]:
    """The page's elements in display order, containers opened."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [leaf for _, child in sorted(children.items()) for leaf in in_order(child)]


def message_under(at: AppTest, widget_key: str) -> str | None:
    """The message shown right under the widget ``widget_key`` (its feedback slot), if any."""
    elements = in_order(at.main)
    position = next(i for i, e in enumerate(elements) if getattr(e, "key", None) == widget_key)
    following = elements[position + 1] if position + 1 < len(elements) else None
    if following is None or following.type not in ("error", "alert"):
        return None
    return str(following.value).replace("\\", "")


def created(engine: Engine, titre: str) -> int:
    sql = "SELECT count(*) FROM interventions WHERE titre = :t"
    return int(db_value(engine, sql, t=titre))


def new_form(role: str, **query: str) -> AppTest:
    return open_page(username(PREFIX, role), nouvelle="1", **query)


K = "itv.new.0."


def submit(at: AppTest) -> AppTest:
    at.button(key=f"{K}submit").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ["admin", "responsable", "technicien", "client"])
def test_every_role_gets_its_creation_form(world: dict[str, Any], role: str) -> None:
    at = new_form(role)
    keys = {w.key for w in at.text_input} | {w.key for w in at.selectbox}
    assert f"{K}titre" in keys and f"{K}equipement_id" in keys
    assert (f"{K}priorite" in keys) == (role != "client")
    assert (f"{K}type" in keys) == (role != "technicien")
    dates = {w.key for w in at.date_input}
    assert (f"{K}date_limite" in dates) == (role in ("admin", "responsable"))


def test_the_url_preselects_the_machine(world: dict[str, Any]) -> None:
    at = new_form("responsable", machine=str(world["mA2"]))
    assert at.selectbox(key=f"{K}equipement_id").value == world["mA2"]


def test_empty_title_is_refused_beside_the_field(world: dict[str, Any]) -> None:
    at = new_form("admin", machine=str(world["mA1"]))
    submit(at)
    assert message_under(at, f"{K}titre") == "Titre : champ obligatoire."


def test_a_deadline_before_creation_is_refused_beside_the_field(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = new_form("admin", machine=str(world["mA1"]))
    at.text_input(key=f"{K}titre").input(f"{PREFIX} échéance passée")
    at.date_input(key=f"{K}date_limite").set_value(date.today() - timedelta(days=2))
    submit(at)
    assert "précéder la création" in (message_under(at, f"{K}date_limite") or "")
    assert created(owner_engine, f"{PREFIX} échéance passée") == 0


def test_ten_thousand_characters_are_refused_and_nothing_written(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = new_form("responsable", machine=str(world["mA1"]))
    at.text_input(key=f"{K}titre").input("x" * 10_000)
    at.text_area(key=f"{K}description").input("y" * 10_000)
    submit(at)
    assert "200" in (message_under(at, f"{K}titre") or "")
    assert "5" in (message_under(at, f"{K}description") or "")
    assert created(owner_engine, "x" * 200) == 0


def test_a_script_tag_is_kept_as_text(world: dict[str, Any], owner_engine: Engine) -> None:
    titre = f"{PREFIX} <script>alert('x')</script> « fuite » 🔧"
    at = new_form("admin", machine=str(world["mA1"]))
    at.text_input(key=f"{K}titre").input(titre)
    submit(at)
    assert created(owner_engine, titre) == 1
    new_id = db_value(owner_engine, "SELECT id FROM interventions WHERE titre = :t", t=titre)
    assert at.query_params["id"] == str(new_id)  # success opens the new file
    assert "<script>" not in " ".join(m.value for m in at.markdown)  # never raw HTML


def test_another_clients_machine_in_the_url_is_unknown_and_nothing_is_written(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = new_form("client", machine=str(world["mB1"]))
    assert at.selectbox(key=f"{K}equipement_id").value is None
    assert [w.value for w in at.warning] == ["Équipement introuvable."]
    at.text_input(key=f"{K}titre").input(f"{PREFIX} chez B")
    submit(at)
    assert message_under(at, f"{K}equipement_id") == "Équipement : champ obligatoire."
    assert created(owner_engine, f"{PREFIX} chez B") == 0


def test_a_client_request_lands_open_on_its_own_machine(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    titre = f"{PREFIX} fuite d'huile"
    at = new_form("client", machine=str(world["mA1"]))
    at.text_input(key=f"{K}titre").input(titre)
    at.text_area(key=f"{K}description").input("Sous la pompe")
    at.toggle(key=f"{K}urgence").set_value(True)
    submit(at)
    row = db_value(
        owner_engine,
        "SELECT statut || '/' || urgence::text || '/' || client_id FROM interventions"
        " WHERE titre = :t",
        t=titre,
    )
    assert row == f"ouverte/true/{world['clientA']}"


def test_a_technician_only_gets_the_machines_it_works_on(world: dict[str, Any]) -> None:
    at = new_form("technicien")
    options = at.selectbox(key=f"{K}equipement_id").options
    assert sorted(options) == sorted([f"{PREFIX} A1 · {PREFIX}-A1", f"{PREFIX} A2 · {PREFIX}-A2"])


def test_a_retired_machine_is_not_offered_and_refused_by_id(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = new_form("admin", machine=str(world["mAR"]))
    assert at.selectbox(key=f"{K}equipement_id").value is None
    assert [w.value for w in at.warning] == ["Équipement introuvable."]


def test_the_managers_form_speaks_french_in_its_choices_and_dates(world: dict[str, Any]) -> None:
    at = new_form("admin")
    assert at.selectbox(key=f"{K}type").options == [
        "Corrective",
        "Préventive",
        "Améliorative",
        "Diagnostic",
    ]
    assert at.selectbox(key=f"{K}type").value == "corrective"
    assert at.selectbox(key=f"{K}priorite").options == [
        "Urgente",
        "Haute",
        "Normale",
        "Basse",
        "Programmée",
    ]
    assert {d.proto.format for d in at.date_input} == {"DD/MM/YYYY"}


def test_the_required_legend_is_a_caption_not_a_bullet(world: dict[str, Any]) -> None:
    at = new_form("responsable")
    assert "\\* champ obligatoire" in [c.value for c in at.caption]
    assert not any("champ obligatoire" in m.value for m in at.markdown)


@pytest.mark.parametrize(("setting", "limit"), [(None, 10), ("1", 1), ("2.5", 3)])
def test_the_photo_uploader_announces_the_file_stores_limit(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, setting: str | None, limit: int
) -> None:
    if setting is None:
        monkeypatch.delenv("MIF_UPLOAD_MAX_MB", raising=False)
    else:
        monkeypatch.setenv("MIF_UPLOAD_MAX_MB", setting)
    at = new_form("client")
    uploader = at.get("file_uploader")[0]
    assert uploader.proto.max_upload_size_mb == limit
    assert f"JPEG, PNG ou WebP, {limit} Mo au plus." in [c.value for c in at.caption]


def test_a_technician_opens_a_diagnostic_with_its_hint_in_french(world: dict[str, Any]) -> None:
    at = new_form("technicien")
    assert [h.value for h in at.subheader] == ["Nouveau diagnostic"]
    assert at.button(key=f"{K}submit").label == "Ouvrir le diagnostic"
    assert not at.selectbox(key=f"{K}equipement_id").help  # no English "Help for …" icon
    hint = "Seules les machines sur lesquelles vous intervenez sont proposées."
    assert hint in [c.value for c in at.caption]


def test_the_skills_picker_has_a_french_placeholder(world: dict[str, Any]) -> None:
    at = new_form("responsable")
    assert at.multiselect(key=f"{K}competences").placeholder == "Choisissez les compétences"
