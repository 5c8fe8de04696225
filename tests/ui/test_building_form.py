"""楼栋 and 房屋 forms on the 楼栋图, as a grid worker keeps a building without a sheet: a
new building typed in (a wrong phone said beside its field; one the grid already has,
however its number is written, opens that building with what was typed laid over it,
saved as an edit of it, never a second building), edited (its key shown but fixed, only
the change saved), and a flat added from the building view, landing on the floor its
number says; a number the unit already has is refused beside the field; Cancel after
typing asks first."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from gridworker.domain.enums import HouseUse
from gridworker.services.building_edit import building_values
from gridworker.services.buildings import list_buildings
from gridworker.ui.declared_fields import DeclaredFields
from gridworker.ui.dialogs.building_form import BuildingDialog, FlatDialog
from gridworker.ui.dialogs.building_view import BuildingViewDialog
from gridworker.ui.forms import EnumCombo
from gridworker.ui.session import AppSession
from tests.ui.conftest import grab, wait_idle
from tests.ui.test_cases import ime_type
from tests.ui.test_register import open_screen


def _form(qtbot: QtBot, view: BuildingViewDialog, kind: type) -> object:
    qtbot.waitUntil(
        lambda: (
            isinstance(view.form_dialog, kind)
            and shiboken6.isValid(view.form_dialog)
            and view.form_dialog.isVisible()
        ),
        timeout=5000,
    )
    return view.form_dialog


def _type(fields: DeclaredFields, **values: str) -> None:
    for name, text in values.items():
        box = fields.widgets[name]
        assert isinstance(box, QLineEdit)
        box.clear()
        ime_type(box, text)


def test_a_building_and_a_flat_are_added_and_edited_on_the_building_view(
    qtbot: QtBot, session: AppSession, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Proves the steps in this module's docstring, end to end on a real profile."""
    screen = open_screen(qtbot, session)
    qtbot.mouseClick(screen.buildings_button, Qt.MouseButton.LeftButton)
    view = screen.buildings_dialog
    assert isinstance(view, BuildingViewDialog)
    wait_idle(qtbot, session)
    assert [b.text() for b in (view.new_button, view.edit_button, view.flat_button)] == [
        "新增楼栋…", "修改楼栋…", "新增房屋…",
    ]  # fmt: skip
    assert not view.edit_button.isEnabled() and not view.flat_button.isEnabled()

    view.new_building()
    form = _form(qtbot, view, BuildingDialog)
    assert isinstance(form, BuildingDialog)
    form.accept()
    assert form.isVisible() and form.form.error("estate_name") != ""
    _type(form.fields, estate_name="凤凰小区", building_no="3号楼", floors_above="18",
          units="2", property_company="萍乡市安居物业", building_head="张桂兰",
          building_head_phone="12345", unit_heads="1单元 李建国；2单元 王芳")  # fmt: skip
    form.accept()
    assert form.isVisible() and "电话" in form.form.error("building_head_phone")
    _type(form.fields, building_head_phone="13907991234")
    grab(form, "building-form")
    form.resize(1366, 768)
    grab(form, "building-form-1366")
    with qtbot.waitSignal(form.saved) as saved:
        form.accept()
    bid = saved.args[0]
    qtbot.waitUntil(lambda: view.view is not None and view.view.id == bid, timeout=5000)
    assert view.title.text() == "凤凰小区3栋" and view.edit_button.isEnabled()
    assert "张桂兰" in view.facts.text()

    view.new_building()
    form = _form(qtbot, view, BuildingDialog)
    assert isinstance(form, BuildingDialog)
    _type(form.fields, estate_name="凤凰小区", building_no="３栋", building_head="李红")
    form.accept()
    wait_idle(qtbot, session)
    # Not refused, not a second building: the form is now 凤凰小区3栋's, what was typed on top.
    assert form.isVisible() and form.building_id == bid
    assert form.windowTitle() == "修改楼栋"
    assert form.notice.text() == (
        "本网格已有楼栋“凤凰小区3栋”：表中是它的信息，填写过的栏目已换成您输入的内容，"
        "保存即更新该楼栋。"
    )
    shown = {k: form.fields.raw(k) for k in ("building_no", "building_head", "floors_above")}
    assert shown == {"building_no": "3栋", "building_head": "李红", "floors_above": "18"}
    estate = form.fields.widgets["estate_name"]
    assert isinstance(estate, QLineEdit) and estate.isReadOnly()
    grab(form, "building-form-existing")
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question",
        lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.No,
    )  # fmt: skip
    form.reject()
    assert asked == ["放弃所做的修改？"] and form.isVisible()
    with qtbot.waitSignal(form.saved) as saved:
        form.accept()
    assert saved.args[0] == bid
    stored = building_values(session.ws, bid)[1]
    assert (stored["building_head"], stored["building_no"], stored["floors_above"]) == (
        "李红", "3栋", 18
    )  # fmt: skip
    assert [b.id for b in list_buildings(session.ws)] == [bid]

    view.edit_building()
    form = _form(qtbot, view, BuildingDialog)
    assert isinstance(form, BuildingDialog)
    estate = form.fields.widgets["estate_name"]
    assert isinstance(estate, QLineEdit) and estate.isReadOnly() and estate.text() == "凤凰小区"
    _type(form.fields, floors_above="20")
    with qtbot.waitSignal(form.saved):
        form.accept()
    assert building_values(session.ws, bid)[1]["floors_above"] == 20

    qtbot.waitUntil(lambda: view.flat_button.isEnabled(), timeout=5000)
    view.flat_button.click()
    flat = _form(qtbot, view, FlatDialog)
    assert isinstance(flat, FlatDialog)
    _type(flat.fields, unit="1单元", number="１５０２", area="89.5")
    use = flat.fields.widgets["use"]
    assert isinstance(use, EnumCombo)
    use.set_value(HouseUse.rented)
    grab(flat, "flat-form")
    with qtbot.waitSignal(flat.saved):
        flat.accept()
    qtbot.waitUntil(lambda: view.view is not None and len(view.view.flats) == 1, timeout=5000)
    [cell] = view.view.at(15, "1")
    assert (cell.number, cell.use, cell.area) == ("1502", HouseUse.rented, 89.5)
    assert cell.id in view.buttons

    view.add_flat()
    flat = _form(qtbot, view, FlatDialog)
    assert isinstance(flat, FlatDialog)
    _type(flat.fields, unit="一单元", number="1502室")
    flat.accept()
    wait_idle(qtbot, session)
    assert flat.isVisible()
    assert flat.form.error("number") == "3栋1单元已有房号“1502”的房屋"
