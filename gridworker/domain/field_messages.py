"""Messages of the work sent to the field (tasks, docs/design.md §23): code -> (zh, en).
Part of the one catalogue (`errors.MESSAGES`)."""

from __future__ import annotations

FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "task_invalid_transition": (
        "任务当前为“{state}”，不能执行“{action}”",
        "The task is “{state}”: “{action}” is not possible now",
    ),
    "task_forbidden_role": (
        "您的角色不能对任务执行“{action}”",
        "Your role may not “{action}” a task",
    ),
    "task_not_yours": (
        "这项任务指派给了其他网格员，您不能“{action}”",
        "This task is assigned to another worker: you may not “{action}” it",
    ),
    "task_signed_by_other": (
        "这项任务已由 {who} 签收，您不能“{action}”",
        "{who} signed for this task: you may not “{action}” it",
    ),
    "task_reason_required": ("“{action}”须填写原因", "“{action}” needs a reason"),
    "task_mismatch": ("操作不属于这项任务", "The action belongs to another task"),
    "task_target_kind": (
        "“{kind}”任务不能指向这类记录",
        "A “{kind}” task cannot point at this kind of record",
    ),
    "task_due_past": ("截止日期 {due} 已经过去", "The due date {due} is in the past"),
    "task_due_not_working_day": (
        "截止日期 {due} 不是工作日（下一个工作日是 {next}）",
        "The due date {due} is not a working day (the next one is {next})",
    ),
    "task_grid_not_yours": (
        "网格 {grid} 不在您的管辖范围内，不能向它下发任务",
        "Grid {grid} is outside your area: you cannot send it a task",
    ),
    "task_assignee_unknown": (
        "不认识网格员“{user}”：请先同步，或检查用户名",
        "No grid worker “{user}” is known here: sync first, or check the username",
    ),
    "task_assignee_grids": (
        "网格员“{user}”负责多个网格（{grids}），请用 --grid 指定其中一个",
        "Grid worker “{user}” works several grids ({grids}): name one with --grid",
    ),
    "task_assignee_not_in_grid": (
        "网格员“{user}”不负责网格 {grid}",
        "Grid worker “{user}” does not work grid {grid}",
    ),
    "task_target_missing": (
        "任务对象不存在或已删除",
        "The task's target does not exist or was deleted",
    ),
    "task_target_other_grid": (
        "任务对象在网格 {target_grid}，不在任务的网格 {grid}",
        "The task's target is in grid {target_grid}, not in the task's grid {grid}",
    ),
    "task_missing": ("任务不存在，或不在您的范围内", "No such task within your reach"),
    "task_not_open": (
        "任务当前为“{state}”，不能再登记办理记录",
        "The task is “{state}”: nothing can answer it now",
    ),
    "role_no_tasks": ("您的角色不能下发任务", "Your role may not issue tasks"),
    "notice_street_only": (
        "只有街道督办员和区管理员可以发布通知",
        "Only a street supervisor or the district admin may publish notices",
    ),
    "notice_no_grids": (
        "范围 {area} 内没有您管辖的网格，通知没有发布",
        "No grid of yours lies in {area}: the notice was not published",
    ),
    "notice_missing": ("通知不存在", "No such notice"),
    # --- work statistics (docs/design.md §26) ---------------------------------------
    "stats_role": (
        "工作统计仅供督办员和区管理员查看",
        "Work statistics are for supervisors and the district admin",
    ),
    "stats_out_of_scope": (
        "区域 {scope} 不在您的管辖范围内，不能统计",
        "Area {scope} is outside your area: no statistics for it",
    ),
    # --- the checklist editor (docs/design.md §25) -----------------------------------
    "checklist_unknown": (
        "没有编码为 {template} 的检查表",
        "There is no checklist template {template}",
    ),
    "checklist_invalid": (
        "检查表不符合格式要求：{detail}",
        "The checklist template is not valid: {detail}",
    ),
    "checklist_publish_role": (
        "只有区管理员可以发布检查表",
        "Only the district admin can publish checklist templates",
    ),
}
