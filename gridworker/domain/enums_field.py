"""Labelled codes of the work sent to the field (docs/design.md §23): tasks and their
workflow. Kept apart from `domain.enums` so that the record kinds of one feature are
declared in one place (`domain.records_field`)."""

from __future__ import annotations

from gridworker.domain.enums import LabeledEnum


class TaskKind(LabeledEnum):
    visit = ("visit", "走访", "Visit")
    inspect = ("inspect", "检查", "Inspect")
    recheck = ("recheck", "复查", "Re-check")
    patrol = ("patrol", "巡查", "Patrol")
    collect = ("collect", "信息采集", "Collect information")


class TaskState(LabeledEnum):
    issued = ("issued", "已下发", "Issued")
    signed = ("signed", "已签收", "Signed for")
    done = ("done", "已完成", "Done")
    returned = ("returned", "已退回", "Returned")
    cancelled = ("cancelled", "已撤销", "Cancelled")

    @property
    def is_open(self) -> bool:
        """Waiting for the worker (issued or signed for): the deadline counts."""
        return self in (TaskState.issued, TaskState.signed)


class TaskActionKind(LabeledEnum):
    sign = ("sign", "签收", "Sign for")
    done = ("done", "完成", "Report done")
    return_ = ("return", "退回", "Return")
    remind = ("remind", "催办", "Remind")
    redo = ("redo", "退回重办", "Send back for redo")
    reissue = ("reissue", "重新下发", "Reissue")
    cancel = ("cancel", "撤销", "Cancel")
