"""The enroll dialog's passphrase meter, as a person typing sees it."""

from __future__ import annotations

from pathlib import Path

from gridworker.ui.dialogs.enroll import EnrollDialog


def test_the_meter_rates_what_is_typed_in_chinese(qtbot, qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Proves the strength line follows the passphrase as it is typed (很弱 for a common
    one, 强 for a long one), counts the username against it, and is empty when cleared."""
    dialog = EnrollDialog(tmp_path / "profile")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.passphrase, "woaini1314")
    assert dialog.strength.text() == "强度：很弱"
    dialog.passphrase.setText("网格员每天走访居民，记下需求!")
    assert dialog.strength.text() in ("强度：较强", "强度：强")
    dialog.passphrase.setText("correct horse battery staple")
    assert dialog.strength.text() == "强度：强"
    dialog.passphrase.setText("zhaoliying.2026")
    before = dialog.strength.text()
    qtbot.keyClicks(dialog.username, "zhaoliying")
    dialog.passphrase.setText("")
    dialog.passphrase.setText("zhaoliying.2026")
    assert dialog.strength.text() != before
    dialog.passphrase.clear()
    assert dialog.strength.text() == ""
