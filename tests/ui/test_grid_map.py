"""The grid map driven as a supervisor would: 360 grids drawn offline, coloured by a layer,
a click narrowing every screen to one grid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from pytestqt.qtbot import QtBot

from gridworker.domain.enums import DangerGrade, GridType, HazardKind, RegionLevel
from gridworker.resources import resource
from gridworker.services import inspections
from gridworker.services.grid_map import MapLayer, grid_figures
from gridworker.services.syncing import enroll
from gridworker.storage.keyvault import KdfParams
from gridworker.storage.models import GridRow, RegionRow
from gridworker.ui.main_window import STYLE, MainWindow
from gridworker.ui.screens.grid_map import GridMapScreen
from gridworker.ui.screens.register import RegisterScreen
from gridworker.ui.screens.visits import VisitsScreen
from gridworker.ui.session import AppSession
from gridworker.ui.tasks import TaskManager
from gridworker.ui.widgets.grid_map_view import EMPTY
from tests.conftest import GRID, GRID2
from tests.e2e.conftest import LiveServer, start_server
from tests.services.test_today import seed_day
from tests.ui.conftest import wait_idle

# The module's fixtures make a seeded server once: its tests share one worker.
pytestmark = pytest.mark.xdist_group("grid_map")

DEMO_PASSWORD = "demo-password"  # what seed-demo gives every demo account


def load_district(session: AppSession) -> int:
    """The demo district's 360 grids as the reference data pull stores them."""
    data = json.loads(resource("demo", "district.geojson").read_text(encoding="utf-8"))
    with session.ws.write() as s:
        for f in data["features"]:
            props = f["properties"]
            code = props["grid_code"]
            s.add(
                GridRow(
                    code=code,
                    name=props["name"],
                    community_code=code[:12],
                    grid_type=GridType.basic,
                    boundary_geojson=json.dumps(f["geometry"]),
                )
            )
            if s.get(RegionRow, code[:12]) is None:
                s.add(
                    RegionRow(code=code[:12], name=props["community"], level=RegionLevel.community)
                )
            if s.get(RegionRow, code[:9]) is None:
                s.add(RegionRow(code=code[:9], name=props["street"], level=RegionLevel.street))
            s.flush()
        # One malformed boundary: skipped with its reason, the others still drawn.
        broken = s.get(GridRow, "360302104203008")
        assert broken is not None
        broken.boundary_geojson = '{"type": "Polygon", "coordinates": [[[113.9, 27.6]]]}'
    return len(data["features"])


@pytest.fixture
def screen(qtbot: QtBot, session: AppSession) -> GridMapScreen:
    load_district(session)
    seed_day(session.ws)  # GRID: 3 open cases, 3 fire hazards, 3 residents overdue
    inspections.register_site(
        session.ws,
        grid_code=GRID2,
        kind=HazardKind.dangerous_building,
        name="东门老粮站宿舍",
        danger_grade=DangerGrade.D,
    )
    widget = GridMapScreen(session)
    widget.setStyleSheet(STYLE)
    widget.resize(1280, 760)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: len(widget.view.items_by_code) > 0, timeout=10_000)
    wait_idle(qtbot, session)
    return widget


def test_every_grid_is_drawn_and_the_malformed_one_skipped(screen: GridMapScreen) -> None:
    """Proves the map draws one item per grid with a valid boundary (359 of 360) and says
    that one was skipped for a malformed boundary."""
    assert len(screen.view.items_by_code) == 359
    assert "360302104203008" not in screen.view.items_by_code
    assert "359" in screen.status.text() and "1" in screen.status.text()
    assert "fewer than four" in screen.status.toolTip()


def test_layer_switch_recolours_the_grids(qtbot: QtBot, screen: GridMapScreen) -> None:
    """Proves the open-cases layer colours the grid with cases and leaves the D building's
    grid empty, and switching to hazards colours both, with the legend following."""
    view = screen.view
    assert screen.current_layer() is MapLayer.cases
    assert view.colour_of(GRID) != EMPTY and view.colour_of(GRID2) == EMPTY
    assert view.legend.classes[-1][1] == 3
    screen.layer_box.setCurrentIndex(screen.layer_box.findData(MapLayer.hazards.value))
    assert view.colour_of(GRID2) != EMPTY and view.colour_of(GRID) != EMPTY
    assert view.colour_of(GRID) != view.colour_of(GRID2)  # 3 sites against 1
    assert view.legend.title == screen.layer_box.currentText()
    screen.set_layer(MapLayer.visits)
    assert view.colour_of(GRID) != EMPTY and view.colour_of(GRID2) == EMPTY
    tip = view.items_by_code[GRID].toolTip()
    assert "360302001001001" in tip and "3" in tip


def test_clicking_a_grid_filters_every_screen(
    qtbot: QtBot, session: AppSession, screen: GridMapScreen
) -> None:
    """Proves a click on a grid sets the session's grid filter, highlights the grid, fills
    the side panel (whose button opens the households), and the households and visits
    screens list that grid only."""
    register = RegisterScreen(session)
    visits = VisitsScreen(session)
    for other in (register, visits):
        qtbot.addWidget(other)
        other.show()
    wait_idle(qtbot, session)
    screen.view.zoom(4)
    screen.view.centerOn(screen.view.items_by_code[GRID])
    with qtbot.waitSignal(session.grid_filter_changed):
        qtbot.mouseClick(
            screen.view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=screen.view.viewport_point_of(GRID),
        )
    assert session.grid_filter == GRID
    assert screen.view.selected_code == GRID and screen.view.items_by_code[GRID].selected
    assert screen.figure_labels["open_cases"].text() == "3"
    assert screen.figure_labels["visits_overdue"].text() == "3"
    qtbot.waitUntil(lambda: screen.figure_labels["households"].text() == "6")
    with qtbot.waitSignal(screen.navigate) as opened:
        qtbot.mouseClick(screen.households_button, Qt.MouseButton.LeftButton)
    assert opened.args == ["register", ""]
    assert "凤凰池社区" in screen.panel_code.text()
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: register.model.rowCount() == 6)
    assert register.grid_filter.currentData() == GRID
    assert visits.model.grid_code == GRID and visits.model.rowCount() == 6
    with qtbot.waitSignal(session.grid_filter_changed):
        qtbot.mouseClick(
            screen.view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=screen.view.viewport_point_of(GRID2),
        )
    wait_idle(qtbot, session)
    assert screen.view.selected_code == GRID2 and not screen.view.items_by_code[GRID].selected
    qtbot.waitUntil(lambda: register.model.rowCount() == 0)
    assert visits.model.rowCount() == 0
    screen.clear_button.click()
    assert session.grid_filter == "" and screen.view.selected_code is None
    wait_idle(qtbot, session)
    qtbot.waitUntil(lambda: register.model.rowCount() == 6)


def wheel(view: object, delta: int) -> QWheelEvent:
    centre = QPointF(640, 380)
    return QWheelEvent(
        centre,
        centre,
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )


def test_zooming_shows_labels_and_a_drag_pans_without_selecting(
    qtbot: QtBot, session: AppSession, screen: GridMapScreen
) -> None:
    """Proves community names label the whole district and grid names appear when zoomed
    in, the wheel zooms, a drag pans the map without choosing a grid, and fit-to-view
    returns to the whole district."""
    view = screen.view

    def full_names() -> int:
        return sum(
            1
            for code, label in view.labels.items()
            if label.isVisible() and label.text() == view.items_by_code[code].name
        )

    def communities() -> int:
        return sum(1 for label, *_rest in view.community_labels.values() if label.isVisible())

    assert view.labels_shown() == 0 and communities() > 20  # the whole district
    view.wheelEvent(wheel(view, 120 * 4))
    assert view.zoom_factor() == pytest.approx(1.25**4)
    assert full_names() > 0 and communities() == 0
    assert (
        view.labels[GRID].text() in ("凤凰池社区第1网格", "第1网格")
        or not view.labels[GRID].isVisible()
    )
    view.fit_to_view()
    assert view.labels_shown() == 0 and communities() > 20
    view.zoom(6)
    before = view.horizontalScrollBar().value()
    centre = view.viewport().rect().center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(view.viewport(), pos=centre + QPoint(80, 0))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=centre + QPoint(80, 0))
    assert view.horizontalScrollBar().value() != before and session.grid_filter == ""
    screen.fit_button.click()
    assert view.zoom_factor() == pytest.approx(1.0)


# --- a district synced from a seeded server (the screenshots) ------------------------


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`gridworker-server init` and `seed-demo` on a SQLite file, then serve it."""
    root = tmp_path_factory.mktemp("seeded")
    db_url = f"sqlite:///{root / 'server.db'}"
    env = {**os.environ, "GRIDWORKER_SERVER_FILES": str(root / "files")}
    for command in ("init", "seed-demo"):
        subprocess.run(
            [sys.executable, "-m", "gridworker.server.cli", "--db", db_url, command],
            check=True,
            env=env,
            capture_output=True,
        )
    server = start_server(db_url, root / "files")
    yield server
    server.stop()


@contextmanager
def synced_window(
    server: LiveServer, tmp_path: Path, username: str, qtbot: QtBot
) -> Iterator[MainWindow]:
    """The main window of `username`, enrolled (first pull done) from the seeded server."""
    ws, _report = enroll(
        tmp_path / username,
        server_url=server.url,
        username=username,
        password=DEMO_PASSWORD,
        passphrase="screenshot passphrase",
        kdf_params=KdfParams.fast(),
    )
    tasks = TaskManager()
    session = AppSession(ws, tasks, idle_lock_minutes=0, background_sync=False)
    window = MainWindow(session)
    window.resize(1440, 880)
    qtbot.addWidget(window)
    window.show()
    try:
        yield window
    finally:
        window.close()
        tasks.shutdown_db_wait()
        session.close()
        tasks.shutdown()


def test_map_of_a_synced_district(qtbot: QtBot, seeded_server: LiveServer, tmp_path: Path) -> None:
    """Proves the district admin's map, from boundaries pulled as reference data, draws all
    360 seeded grids, its open cases add up to the seed's 21 in progress, and a click on a
    grid narrows the app to it (screenshot: docs/screenshots/grid-map.png)."""
    with synced_window(seeded_server, tmp_path, "demo.admin", qtbot) as window:
        session = window.session
        screen = window.show_screen("map")
        assert isinstance(screen, GridMapScreen)
        qtbot.waitUntil(lambda: len(screen.view.items_by_code) == 360, timeout=20_000)
        figures = grid_figures(session.ws)
        assert sum(f.open_cases for f in figures.values()) == 21
        screen.set_layer(MapLayer.visits)
        busiest = max(figures.values(), key=lambda f: f.visits_overdue)
        qtbot.mouseClick(
            screen.view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=screen.view.viewport_point_of(busiest.grid_code),
        )
        assert session.grid_filter == busiest.grid_code
        assert screen.figure_labels["visits_overdue"].text() == str(busiest.visits_overdue)
        wait_idle(qtbot, session)
        screen.set_layer(MapLayer.cases)
        screen.view.zoom(3.2)
        screen.view.centerOn(screen.view.items_by_code[busiest.grid_code])
        wait_idle(qtbot, session)
