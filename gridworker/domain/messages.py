"""Messages of the services, storage, sync and the command line: code -> (zh, en).

Part of the one catalogue of `errors.MESSAGES` (the domain's own rules are there). A
`CodedError` with one of these codes renders in the reader's language; placeholders
are filled from its params. Chinese texts use full-width punctuation; an address, a
path or a code inside them stays as it is.
"""

from __future__ import annotations

from gridworker.domain.import_messages import IMPORT_MESSAGES
from gridworker.domain.party_messages import PARTY_MESSAGES, PARTY_NOUNS
from gridworker.domain.register_messages import REGISTER_MESSAGES

# Kinds of record named in messages ("the household does not exist"): key -> (zh, en);
# `errors.noun(key)` makes the message parameter.
NOUNS: dict[str, tuple[str, str]] = {
    "household": ("住户", "household"),
    "resident": ("居民", "resident"),
    "record": ("记录", "record"),
    "case": ("事件", "case"),
    "need": ("走访需求", "need"),
    "site": ("检查点位", "site"),
    "inspection": ("检查记录", "inspection"),
    "rectification": ("整改单", "rectification"),
    "rectification_site": ("整改单所属的点位", "rectification's site"),
    "attach_owner": ("要添加附件的记录", "record to attach to"),
    "conflict": ("冲突", "conflict"),
    **PARTY_NOUNS,
}

APP_MESSAGES: dict[str, tuple[str, str]] = {
    # --- the local profile (storage) ----------------------------------------------------
    "profile_locked": (
        "这个本机档案已在另一个网格通窗口或命令中打开：请先关闭它，再试一次",
        "This profile is open in another GridWorker process (a window or a command): close it "
        "and try again",
    ),
    "profile_missing": (
        "这里还没有网格通本机档案（{path}）：请先登录服务器，或新建离线档案",
        "There is no GridWorker profile here ({path}): sign in to a server or create one",
    ),
    "profile_exists": (
        "这里已经有一个本机档案（{path}）",
        "A profile already exists here ({path})",
    ),
    "wrong_passphrase": (
        "本机口令不正确，档案没有打开",
        "Wrong passphrase: the profile was not opened",
    ),
    "wrong_passphrase_unchanged": (
        "原本机口令不正确，口令没有修改",
        "Wrong passphrase: it was not changed",
    ),
    "profile_corrupt": (
        "本机档案的数据库无法用它的密钥文件打开：密钥文件属于另一个档案，或数据库已损坏、"
        "被改动过；请从备份恢复，或重新登录服务器",
        "The profile database cannot be opened with its key file: the key file belongs to "
        "another profile, or the database is damaged or was altered; restore it from a "
        "backup or sign in again",
    ),
    "key_file_damaged": (
        "本机档案的密钥文件已损坏或缺失，无法打开：请从备份恢复，或重新登录服务器",
        "The profile's key file is damaged or missing: restore it from a backup or sign in again",
    ),
    "key_file_too_new": (
        "这个档案是更新版本的网格通建立的：请先升级网格通",
        "A newer GridWorker made this profile: update GridWorker first",
    ),
    "recovery_unavailable": (
        "这个档案没有设置恢复密钥",
        "This profile has no recovery key",
    ),
    "wrong_recovery_key": (
        "恢复密钥不对，无法打开这个档案",
        "This recovery key does not open the profile",
    ),
    "profile_incomplete": (
        "本机档案不完整（缺少用户设置）：请重新登录服务器",
        "The profile is incomplete (its user settings are missing): sign in again",
    ),
    "database_failed": (
        "本机数据库出错：磁盘是否已满，或档案文件已损坏？出错前保存的工作都还在",
        "The local database failed: is the disk full, or the profile file damaged? "
        "Work saved before this is kept",
    ),
    "attachment_missing": (
        "这张照片（附件）还没有下载到本机",
        "This photo (attachment) is not on this laptop yet",
    ),
    "attachment_damaged": (
        "这张照片（附件）的文件已损坏，无法打开",
        "This photo (attachment) is damaged and cannot be opened",
    ),
    "attachment_changed": (
        "文件在保存过程中被改动了：请重新添加",
        "The file changed while it was being stored: add it again",
    ),
    "photo_location": (
        "无法去除这张照片里的位置信息，照片没有保存",
        "The location could not be removed from this photo; it was not stored",
    ),
    # --- files ------------------------------------------------------------------------
    "file_not_found": ("找不到文件：{path}", "File not found: {path}"),
    "file_no_permission": ("没有权限读写：{path}", "No permission to read or write {path}"),
    "disk_full": ("磁盘已满，无法写入：{path}", "The disk is full: {path} was not written"),
    "file_is_folder": ("这是一个文件夹，不是文件：{path}", "{path} is a folder, not a file"),
    "file_error": ("无法读写文件：{path}", "Could not read or write {path}"),
    # --- the server and the network (sync) --------------------------------------------
    "server_unreachable": (
        "连不上服务器 {url}：请检查网络连接和服务器地址",
        "Cannot reach the server {url}: check the network and the server address",
    ),
    "tls_failed": (
        "服务器 {url} 的安全证书验证失败，没有连接：请确认地址，或向管理员索取证书",
        "The security certificate of {url} could not be verified; nothing was sent: check "
        "the address or ask the administrator for the certificate",
    ),
    "request_failed": (
        "与服务器 {url} 的通信中断了",
        "The connection to the server {url} failed",
    ),
    "server_reply_invalid": (
        "服务器的回复无法识别：请稍后再试，或联系管理员",
        "The server's reply could not be read: try again later or tell the administrator",
    ),
    "server_status": (
        "服务器出错（{status}）：请稍后再试",
        "The server failed ({status}): try again later",
    ),
    "not_a_server_url": (
        "服务器地址不正确：{url}（应为 https://主机名[:端口]）",
        "Not a server address: {url} (use https://host[:port])",
    ),
    "plain_http": (
        "不能用不加密的 http:// 连接 {host}：请使用 https://（http:// 只用于本机）",
        "Refusing plain HTTP to {host}: use https:// (plain HTTP is only for this machine)",
    ),
    # the server's error codes (docs/design.md §4), when its own message is not at hand
    "bad_request": ("服务器拒绝了这个请求", "The server refused the request"),
    "validation": ("数据没有通过服务器的检查", "The server refused the data as not valid"),
    "auth_required": ("需要重新登录服务器", "Sign in to the server again"),
    "token_expired": ("登录已过期，需要重新登录服务器", "The sign-in has expired: sign in again"),
    "forbidden": ("无权执行这个操作", "Not allowed"),
    "out_of_scope": ("这条记录不在您负责的范围内", "This record is outside your scope"),
    "device_revoked": (
        "这台电脑已被管理员停用，本机档案已清除",
        "This laptop was revoked by the administrator; its profile was wiped",
    ),
    "not_found": ("服务器上没有这项内容", "Not found on the server"),
    "client_cloned": (
        "这个档案是从另一台电脑复制来的：需要重新登录，登记为新设备",
        "This profile was copied from another laptop: sign in again to register it",
    ),
    "cursor_expired": (
        "本机数据太久没有同步，需要从头重新下载",
        "This laptop has not synced for too long and must download everything again",
    ),
    "record_deleted": ("这条记录已在服务器上删除", "This record was deleted on the server"),
    "epoch_changed": (
        "服务器已从备份恢复，正在重新同步",
        "The server was restored from a backup; syncing again",
    ),
    "too_large": ("内容太大，服务器不接收", "Too large for the server"),
    "client_too_old": (
        "这个网格通版本太旧，服务器不再接收：请升级；本机的修改都保留着",
        "This GridWorker is too old for the server: update it; your changes are kept",
    ),
    "rate_limited": ("服务器正忙：请稍后再试", "The server is busy: try again later"),
    "server_error": (
        "服务器出错：请稍后再试；本机的修改都保留着",
        "The server failed: try again later; your changes are kept",
    ),
    "sync_offline": (
        "连不上服务器：您的工作都安全地保存在这台电脑上，服务器能连上时会自动发送",
        "The server cannot be reached: your work is safe on this laptop and goes out when "
        "the server answers",
    ),
    "sync_failed": (
        "同步没有完成：{reason}；您的工作都安全地保存在这台电脑上",
        "The sync did not finish: {reason}; your work is safe on this laptop",
    ),
    "sync_cancelled": (
        "同步已取消；已完成的部分都已保存",
        "Sync cancelled; what was done so far is kept",
    ),
    "needs_sign_in": (
        "登录已过期：请输入服务器密码后再同步；本机的修改都保留着",
        "The sign-in has expired: enter the server password and sync again; your changes are kept",
    ),
    "profile_other_user": (
        "这个档案属于 {owner}，不是 {username}：未登记任何设备",
        "This profile belongs to {owner}, not {username}: nothing was registered",
    ),
    "not_enrolled": (
        "这个档案还没有登录服务器：请先登录（gridworker enroll）",
        "This profile is not enrolled with a server (run `gridworker enroll`)",
    ),
    # --- the services -----------------------------------------------------------------
    "record_missing": (
        "{what}不存在（可能已被删除）",
        "The {what} does not exist (it may have been deleted)",
    ),
    "grid_not_yours": ("网格 {grid} 不在您负责的范围内", "Grid {grid} is outside your grids"),
    "fields_not_editable": (
        "这些字段不能在这里修改：{fields}",
        "These fields cannot be changed here: {fields}",
    ),
    "role_no_visits": ("您的角色不能登记走访", "Your role does not record visits"),
    "role_no_inspections": ("您的角色不能登记检查", "Your role does not record inspections"),
    "role_no_bulk_export": ("您的角色不能批量导出数据", "Your role may not make bulk exports"),
    "role_may_not": ("您的角色不能进行这项操作", "Your role may not do this"),
    "role_may_not_write": ("您的角色不能修改{what}记录", "Your role may not change {what} records"),
    "case_not_dispatched": (
        "这个事件没有派遣给您的部门",
        "This case is not dispatched to your department",
    ),
    "visit_in_future": ("走访时间不能晚于现在", "A visit cannot be in the future"),
    "visit_met_not_member": (
        "勾选的见面居民须是本户成员",
        "The residents ticked as met must be members of this household",
    ),
    "need_has_case": ("这项需求已经上报为事件", "This need already has a case"),
    "rect_other_site": (
        "这张整改单不属于这个点位",
        "The rectification does not belong to this site",
    ),
    "rect_closed": ("这张整改单已经销号", "The rectification is already closed out"),
    "not_revealable": ("这项内容不能显示完整值", "This value cannot be revealed"),
    "nothing_to_reveal": ("没有可以显示的内容", "There is no value to reveal"),
    "attach_target": ("不能给这类记录添加附件", "Files cannot be attached to this record"),
    "attach_source": ("请给出文件内容或文件路径（二选一）", "Give either the bytes or a file path"),
    "conflict_missing": ("没有编号为 {id} 的冲突", "There is no conflict {id}"),
    "conflict_done": ("这个冲突已经处理过了", "This conflict is already resolved"),
    "refused_missing": ("没有编号为 {id} 的未被接受的修改", "There is no refused change {id}"),
    "conflict_no_field": ("这个冲突里没有字段“{name}”", "The conflict has no field {name}"),
    "resolve_how": (
        "请选择保留哪一方：--keep local（本机的值）或 --keep server（服务器的值）；"
        "或为一个字段填写取值：--field 字段 --value 取值",
        "Choose --keep local|server, or --field F --value V",
    ),
    "resolve_keep": (
        "只能用 --keep local（保留本机的值）或 --keep server（保留服务器的值）",
        "--keep takes local or server",
    ),
    "resolve_side": (
        "请选择保留哪一方，或逐项填写取值",
        "Choose a side to keep, or give the values per field",
    ),
    "resolve_values": ("请至少填写一个字段的取值", "Give at least one field's value"),
    "conflict_status": (
        "状态只能是“open”（待处理）、“resolved”（已处理）或“all”（全部）",
        "Status is open, resolved or all",
    ),
    "ledger_kinds": ("台账种类只能是：{kinds}", "Ledger kinds: choose from {kinds}"),
    "scope_format": (
        "“{scope}”不是街道、社区或网格编码",
        "“{scope}” is not a street, community or grid code",
    ),
    "area_format": (
        "“{scope}”不是区、街道、社区或网格编码",
        "“{scope}” is not a district, street, community or grid code",
    ),
    "scope_unknown": (
        "没有编码为 {scope} 的区域（不在您的辖区内，或还没有同步）",
        "There is no area {scope} (outside your area, or not synced yet)",
    ),
    "bad_day_or_month": ("“{value}”不是日期或月份", "“{value}” is not a day or a month"),
    "bad_datetime": (
        "“{value}”不是日期或时间（例如 2026-11-27 或 2026-11-27T10:30）",
        "“{value}” is not an ISO 8601 date or time (e.g. 2026-11-27 or 2026-11-27T10:30)",
    ),
    "export_kind": (
        "没有“{kind}”这种导出：可选 {kinds}",
        "Unknown kind “{kind}”: use one of {kinds}",
    ),
    "export_format": (
        "不支持“{fmt}”格式：可选 jsonl、csv 或 xlsx",
        "Unknown format “{fmt}”: use jsonl, csv or xlsx",
    ),
    "export_cancelled": ("导出已取消", "The export was cancelled"),
    "draft_invalid": ("草稿无法保存", "The draft cannot be saved"),
    "grid_required": ("至少需要一个网格编码", "At least one grid code is needed"),
    "passphrase_short": (
        "本机口令至少需要8个字符",
        "The passphrase must have at least 8 characters",
    ),
    "district_key_short": (
        "区级密钥太短（至少16字节）",
        "The district key is too short (at least 16 bytes)",
    ),
    "font_missing": (
        "找不到中文字体，无法生成PDF：请安装思源黑体或 Noto Sans CJK，"
        "或用 GRIDWORKER_PDF_FONT 指定字体文件",
        "No Chinese font for the PDF: install Noto Sans CJK (Source Han Sans) or name a font "
        "file in GRIDWORKER_PDF_FONT",
    ),
    "answer_invalid": ("检查项的回答无效", "An answer does not fit its item"),
    "answer_not_choice": (
        "“{item}”只能选合格、不合格或不适用",
        "“{item}”: answer pass, fail or not applicable",
    ),
    "answer_not_number": ("“{item}”应填写数字", "“{item}” needs a number"),
    "answer_not_date": (
        "“{item}”应填写日期（如 2026-11-27 或 2026-11）",
        "“{item}” needs a date (e.g. 2026-11-27 or 2026-11)",
    ),
    "answer_future_date": ("“{item}”的日期不能晚于今天", "“{item}”: the date is in the future"),
    "answer_wrong_template": (
        "检查表的版本与记录不符：请关闭后重新打开检查表",
        "The checklist version does not match: close and open the checklist again",
    ),
    "unexpected_error": (
        "出现了意外错误，操作没有完成；之前保存的工作不受影响",
        "An unexpected error stopped the operation; work saved before is not affected",
    ),
    # --- the command line ---------------------------------------------------------------
    "no_passphrase": (
        "没有本机口令：请设置 GRIDWORKER_PASSPHRASE，或在终端中运行",
        "No passphrase: set GRIDWORKER_PASSPHRASE or run in a terminal",
    ),
    "passphrases_differ": ("两次输入的本机口令不一致", "The two passphrases differ"),
    "no_password": (
        "没有服务器密码：请设置 GRIDWORKER_PASSWORD，或在终端中运行",
        "No password: set GRIDWORKER_PASSWORD or run in a terminal",
    ),
    "bad_date_option": (
        "{option} 的值“{value}”不是日期：应为 YYYY-MM-DD",
        "{option} “{value}” is not a date: use YYYY-MM-DD",
    ),
    "no_display": (
        "没有可用的图形界面：请使用命令行命令（见 gridworker --help）",
        "No display for the desktop app: use a command (see gridworker --help)",
    ),
    "demo_prepare_failed": (
        "演示辖区没有准备好：请用 gridworker demo --reset 重新开始",
        "The demo server could not be prepared: {detail}",
    ),
    "demo_server_failed": ("演示服务器没有启动", "The demo server did not start"),
    "interrupted": ("已中断", "Interrupted"),
    "log_file_unavailable": (
        "没有日志文件（{reason}）；命令照常运行",
        "No log file ({reason}); the command runs on",
    ),
    "usage_required": ("缺少必需的参数：“{args}”", "Missing required arguments: {args}"),
    "usage_one_required": (
        "须给出其中一个参数：{args}",
        "One of these arguments is required: {args}",
    ),
    "usage_choice": (
        "{arg} 的值“{value}”无效：可选 {choices}",
        "{arg}: “{value}” is not valid; choose from {choices}",
    ),
    "usage_value": ("{arg} 的值“{value}”无效", "{arg}: “{value}” is not valid"),
    "usage_expects_value": ("{arg} 后面需要一个值", "{arg} expects a value"),
    "usage_unknown": ("无法识别的参数：“{args}”", "Unrecognized arguments: {args}"),
    "usage_exclusive": ("{arg} 不能与 {other} 同时使用", "{arg} cannot be used with {other}"),
    "usage_command": (
        "没有“{value}”这个命令：可选 {choices}",
        "There is no command “{value}”: choose from {choices}",
    ),
    "usage_other": ("命令行参数有误", "The command line is not valid"),
    # --- the importer (domain/import_messages.py) ----------------------------------------
    **IMPORT_MESSAGES,
    # --- party building (domain/party_messages.py) --------------------------------------
    **PARTY_MESSAGES,
    # --- the living register (domain/register_messages.py) ------------------------------
    **REGISTER_MESSAGES,
}
