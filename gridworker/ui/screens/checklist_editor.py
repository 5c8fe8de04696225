"""检查表编辑 (the district admin's checklist editor, docs/design.md §25).

A draft is the newest version of a template renumbered one higher
(services.checklist_editor.new_draft). The tree shows its groups (sections) and items;
the form below edits the selected one: an item's code, texts, whether it is a major item
(severity), when a photo is asked, and its terms (hint, a number's unit and fail limits,
a date's age limit, whether a failure opens a rectification and its default term:
ui.screens.checklist_terms); groups and items are added, removed and moved up or down
(an item within its group). Beside it
the preview is the inspection form itself (ui.widgets.inspection_form.InspectionForm in
preview mode), rebuilt after each change that the rules accept; a change they refuse
keeps the last good preview and says why. 发布 sends the draft through the server's
authorised route (online, the admin only), which refuses, in Chinese, what the server
command refuses.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from gridworker.services import checklist_editor
from gridworker.services.workspace import ServiceError
from gridworker.ui.forms import error_label, error_text
from gridworker.ui.i18n import current_language
from gridworker.ui.screens.base import Screen, heading
from gridworker.ui.screens.checklist_terms import ItemTermsForm
from gridworker.ui.session import AppSession
from gridworker.ui.widgets.inspection_form import InspectionForm

PHOTO_RULES = ("optional", "on_fail", "required")
Path_ = tuple[int, int | None]  # (section index, item index or None for the section)


def _photo_index(item: dict[str, Any]) -> int:
    rule = item.get("photo")
    return PHOTO_RULES.index(rule) if rule in PHOTO_RULES else 0


class ChecklistEditorScreen(Screen):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.lang = current_language()
        self.draft: dict[str, Any] | None = None
        self.selected: Path_ | None = None
        self.filling = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(self.title()))
        top.addSpacing(12)
        self.template = QComboBox()
        self.template.setObjectName("template")
        self.template.setMinimumWidth(240)
        top.addWidget(self.template)
        self.version_label = QLabel()
        self.version_label.setObjectName("draft_version")
        top.addWidget(self.version_label)
        top.addStretch(1)
        self.publish_button = QPushButton(self.tr("Publish…"))
        self.publish_button.setObjectName("publish")
        self.publish_button.clicked.connect(self.publish)
        top.addWidget(self.publish_button)
        layout.addLayout(top)
        self.message = error_label("message")
        layout.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._editor_side())
        self.preview = InspectionForm(session)
        self.preview.setObjectName("preview")
        split.addWidget(self.preview)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        # Half each whatever the form's rows would ask for (their size hints grew with the
        # terms rows; the preview needs its half to lay its items out).
        split.setSizes([1000, 1000])
        layout.addWidget(split, 1)
        for code, title, version in checklist_editor.codes(session.ws):
            current = self.tr("current version %1").replace("%1", str(version))
            self.template.addItem(f"{title}（{current}）", code)
        self.template.currentIndexChanged.connect(lambda _i: self.load_draft())
        self.load_draft()

    def title(self) -> str:
        return self.tr("Checklist editor")

    def _editor_side(self) -> QWidget:
        side = QWidget()
        box = QVBoxLayout(side)
        box.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setObjectName("items")
        self.tree.setHeaderLabels(
            [self.tr("Group / item"), self.tr("Code"), self.tr("Major"), self.tr("Photo")]
        )
        self.tree.currentItemChanged.connect(lambda *_: self._select())
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        box.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.add_group_button = QPushButton(self.tr("Add group"))
        self.add_group_button.clicked.connect(self.add_group)
        self.add_item_button = QPushButton(self.tr("Add item"))
        self.add_item_button.clicked.connect(self.add_item)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("remove")
        self.remove_button.clicked.connect(self.remove)
        self.up_button = QPushButton(self.tr("Move up"))
        self.up_button.setObjectName("move_up")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton(self.tr("Move down"))
        self.down_button.setObjectName("move_down")
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        for button in (
            self.add_group_button,
            self.add_item_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        form = QFormLayout()
        self.form = form
        self.code = QLineEdit()
        self.code.setObjectName("code")
        self.text_zh = QLineEdit()
        self.text_zh.setObjectName("text_zh")
        self.text_en = QLineEdit()
        self.text_en.setObjectName("text_en")
        self.major = QCheckBox(self.tr("Major item (重大隐患)"))
        self.major.setObjectName("major")
        self.photo = QComboBox()
        self.photo.setObjectName("photo")
        for rule, text in zip(
            PHOTO_RULES,
            (self.tr("Optional"), self.tr("When failed"), self.tr("Always required")),
            strict=True,
        ):
            self.photo.addItem(text, rule)
        form.addRow(self.tr("Code"), self.code)
        texts = QHBoxLayout()
        texts.setContentsMargins(0, 0, 0, 0)
        texts.addWidget(QLabel(self.tr("Chinese")))
        texts.addWidget(self.text_zh, 3)
        texts.addWidget(QLabel(self.tr("English")))
        texts.addWidget(self.text_en, 2)
        self.text_row = texts
        form.addRow(self.tr("Text"), texts)
        photo = QHBoxLayout()
        photo.setContentsMargins(0, 0, 0, 0)
        photo.addWidget(self.photo)
        photo.addSpacing(12)
        photo.addWidget(self.major)
        photo.addStretch(1)
        form.addRow(self.tr("Photo"), photo)
        self.terms = ItemTermsForm(side)
        self.terms.add_rows(form)
        self.terms.changed.connect(self.apply)
        box.addLayout(form)
        for edit in (self.code, self.text_zh, self.text_en):
            edit.editingFinished.connect(self.apply)
        self.major.toggled.connect(lambda _c: self.apply())
        self.photo.currentIndexChanged.connect(lambda _i: self.apply())
        return side

    # --- the draft ---------------------------------------------------------------------

    def load_draft(self) -> None:
        code = self.template.currentData()
        if not code:
            return
        try:
            self.draft = checklist_editor.new_draft(self.session.ws, str(code))
        except ServiceError as exc:
            self._say(error_text(exc), ok=False)
            return
        self.version_label.setText(
            self.tr("Draft of version %1").replace("%1", str(self.draft["version"]))
        )
        self._say("", ok=True)
        self.selected = None
        self._fill_tree()
        self._refresh_preview()

    def _fill_tree(self) -> None:
        assert self.draft is not None
        self.filling = True
        self.tree.clear()
        lang = "zh" if self.lang.startswith("zh") else "en"
        current: QTreeWidgetItem | None = None
        for s_index, section in enumerate(self.draft["sections"]):
            # A group's code (a lower-case word) is edited in the form, not listed here.
            group = QTreeWidgetItem([section["title"].get(lang, ""), "", "", ""])
            group.setData(0, Qt.ItemDataRole.UserRole, (s_index, None))
            self.tree.addTopLevelItem(group)
            if self.selected == (s_index, None):
                current = group
            for i_index, item in enumerate(section["items"]):
                row = QTreeWidgetItem(
                    [
                        item["text"].get(lang, ""),
                        item["code"],
                        "★" if item.get("severity") == "major" else "",
                        self.photo.itemText(
                            max(0, PHOTO_RULES.index(item.get("photo", "optional")))
                        ),
                    ]
                )
                row.setData(0, Qt.ItemDataRole.UserRole, (s_index, i_index))
                group.addChild(row)
                if self.selected == (s_index, i_index):
                    current = row
        self.tree.expandAll()
        if current is not None:
            self.tree.setCurrentItem(current)
        self.filling = False
        self._show_selected()

    def node(self, path: Path_) -> dict[str, Any]:
        assert self.draft is not None
        section: dict[str, Any] = self.draft["sections"][path[0]]
        return section if path[1] is None else section["items"][path[1]]

    def _select(self) -> None:
        if self.filling:
            return
        item = self.tree.currentItem()
        path = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.selected = tuple(path) if path is not None else None
        self._show_selected()

    def _show_selected(self) -> None:
        path = self.selected
        is_item = path is not None and path[1] is not None
        self.filling = True
        for widget in (self.code, self.text_zh, self.text_en):
            widget.setEnabled(path is not None)
        self.major.setEnabled(is_item)
        self.photo.setEnabled(is_item)
        self.up_button.setEnabled(path is not None)
        self.down_button.setEnabled(path is not None)
        label = self.form.labelForField(self.text_row)
        if isinstance(label, QLabel):  # a group has a name, an item a text (the rules' words)
            label.setText(
                self.tr("Name") if path is not None and path[1] is None else self.tr("Text")
            )
        if path is None:
            for edit in (self.code, self.text_zh, self.text_en):
                edit.clear()
        else:
            node = self.node(path)
            text = node["title"] if path[1] is None else node["text"]
            self.code.setText(node["code"])
            self.text_zh.setText(text.get("zh", ""))
            self.text_en.setText(text.get("en", ""))
            if is_item:
                self.major.setChecked(node.get("severity") == "major")
                self.photo.setCurrentIndex(_photo_index(node))
        self.terms.show_item(self.node(path) if path is not None and is_item else None)
        self.filling = False

    def apply(self) -> None:
        """Write the form into the selected group or item, then check and preview."""
        path = self.selected
        if self.filling or path is None or self.draft is None:
            return
        before = copy.deepcopy(self.draft)
        node = self.node(path)
        node["code"] = self.code.text().strip()
        text = {"zh": self.text_zh.text().strip(), "en": self.text_en.text().strip()}
        if path[1] is None:
            node["title"] = text
        else:
            node["text"] = text
            node["severity"] = "major" if self.major.isChecked() else "general"
            node["photo"] = self.photo.currentData()
            self.terms.write(node)
        if self.draft != before:
            self._fill_tree()
            self._refresh_preview()

    def move_selected(self, step: int) -> None:
        """Move the selected group, or item within its group, one place up or down."""
        path = self.selected
        if path is None or self.draft is None:
            return
        moved = checklist_editor.move(self.draft, path[0], path[1], step)
        if moved == path:
            return
        self.selected = moved
        self._fill_tree()
        self._refresh_preview()

    def add_group(self) -> None:
        if self.draft is None:
            return
        n = len(self.draft["sections"]) + 1
        self.draft["sections"].append(
            {
                "code": f"group_{n}",
                "title": {"zh": f"新分组{n}", "en": f"New group {n}"},
                "items": [self._new_item(f"NEW-G{n}-01")],
            }
        )
        self.selected = (n - 1, None)
        self._fill_tree()
        self._refresh_preview()

    def add_item(self) -> None:
        if self.draft is None:
            return
        s_index = self.selected[0] if self.selected is not None else len(self.draft["sections"]) - 1
        items = self.draft["sections"][s_index]["items"]
        taken = {i["code"] for sec in self.draft["sections"] for i in sec["items"]}
        n = len(items) + 1
        while f"NEW-{s_index + 1}-{n:02d}" in taken:
            n += 1
        items.append(self._new_item(f"NEW-{s_index + 1}-{n:02d}"))
        self.selected = (s_index, len(items) - 1)
        self._fill_tree()
        self._refresh_preview()

    @staticmethod
    def _new_item(code: str) -> dict[str, Any]:
        return {
            "code": code,
            "text": {"zh": "新检查项", "en": "New item"},
            "answer": "yes_no",
            "severity": "general",
            "photo": "on_fail",
            "opens_rectification": True,
            "rectification": {"amount": 3, "unit": "working_days"},
        }

    def remove(self) -> None:
        path = self.selected
        if path is None or self.draft is None:
            return
        sections = self.draft["sections"]
        if path[1] is None:
            del sections[path[0]]
        else:
            del sections[path[0]]["items"][path[1]]
        self.selected = None
        self._fill_tree()
        self._refresh_preview()

    def _refresh_preview(self) -> bool:
        """Check the draft by the publishing rules; preview it when they accept it."""
        if self.draft is None:
            return False
        try:
            template = checklist_editor.check_draft(self.draft)
        except ServiceError as exc:
            self._say(error_text(exc), ok=False)
            return False
        self._say(self.tr("The draft follows the rules; the preview shows it."), ok=True)
        self.preview.preview(template, self.tr("Preview"))
        return True

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #15803d" if ok else "color: #b3261e")

    # --- publishing ----------------------------------------------------------------------

    def publish(self) -> None:
        draft = self.draft
        if draft is None or not self._refresh_preview():
            return
        ws, lang, data = self.session.ws, self.lang, copy.deepcopy(draft)
        self._say(self.tr("Publishing…"), ok=True)
        # A network call: off the database queue (it only reads the server's address).
        self.session.tasks.run_net(
            lambda _s: checklist_editor.publish_draft(ws, data, lang=lang),
            done=self._published,
            failed=lambda exc: self._say(error_text(exc), ok=False) if isValid(self) else None,
        )

    def _published(self, answer: dict[str, Any]) -> None:
        if not isValid(self):
            return
        text = (
            self.tr("Version %1 published; laptops get it at their next sync.")
            if answer.get("published")
            else self.tr("Version %1 was already published with this content: nothing changed.")
        )
        self._say(text.replace("%1", str(answer.get("version"))), ok=True)
