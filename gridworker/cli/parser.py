"""The `gridworker` command line: options, commands and their help texts.

Help and errors are in the reader's language (zh_CN unless `--lang en` or
GRIDWORKER_LANG=en): a bad argument is one line naming what is wrong, never a
traceback or argparse's English usage dump.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from typing import Any, NoReturn

from gridworker.cli.app import cmd_demo
from gridworker.cli.common import EXIT_USAGE, CliError
from gridworker.cli.desk import (
    cmd_dashboard,
    cmd_ledger,
    cmd_party_ledger,
    cmd_party_print,
    cmd_party_report,
    cmd_print,
    cmd_stats,
)
from gridworker.cli.importing import cmd_import
from gridworker.cli.notices import add_notice_commands
from gridworker.cli.profile import cmd_export, cmd_init, cmd_status
from gridworker.cli.register import add_register_commands
from gridworker.cli.sync import cmd_conflicts, cmd_enroll, cmd_sync
from gridworker.cli.tasks import add_task_commands

ROLES = ["grid_worker", "adviser", "supervisor", "department", "admin"]
DEMO_ROLES = ["worker", "street", "admin"]

# argparse's own words in its help output, for Chinese readers.
_HELP_WORDS = (
    ("usage: ", "用法："),
    ("positional arguments:", "位置参数："),
    ("options:", "选项："),
    ("show this help message and exit", "显示本帮助并退出"),
)

# argparse's error messages -> a catalogue key and its parameters.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (?P<args>.+)"), "usage_required"),
    (re.compile(r"one of the arguments (?P<args>.+) is required"), "usage_one_required"),
    (
        re.compile(
            r"argument (?:COMMAND|command|list\|resolve): invalid choice: "
            r"'(?P<value>.*)' \(choose from (?P<choices>.*)\)"
        ),
        "usage_command",
    ),
    (
        re.compile(
            r"argument (?P<arg>\S+): invalid choice: "
            r"'(?P<value>.*)' \(choose from (?P<choices>.*)\)"
        ),
        "usage_choice",
    ),
    (re.compile(r"argument (?P<arg>\S+): invalid \S+ value: '(?P<value>.*)'"), "usage_value"),
    (
        re.compile(r"argument (?P<arg>\S+): expected (one|at least one) argument"),
        "usage_expects_value",
    ),
    (
        re.compile(r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)"),
        "usage_exclusive",
    ),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"), "usage_unknown"),
)


def wants_english(argv: Sequence[str]) -> bool:
    """The language asked for on the command line (or by GRIDWORKER_LANG), read before
    parsing so that help and errors are in it."""
    lang = os.environ.get("GRIDWORKER_LANG") or ""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return lang.lower().startswith("en")


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports a bad argument as a CliError (one line, exit 2) and
    prints its help in the reader's language."""

    english = False

    def error(self, message: str) -> NoReturn:
        for pattern, key in _ERRORS:
            found = pattern.fullmatch(message)
            if found:
                params = {k: v.replace("'", "") for k, v in found.groupdict().items()}
                raise CliError(key, EXIT_USAGE, **params)
        raise CliError("usage_other", EXIT_USAGE, en=message)

    def format_help(self) -> str:
        return self._localized(super().format_help())

    def format_usage(self) -> str:
        return self._localized(super().format_usage())

    def _localized(self, text: str) -> str:
        if self.english:
            return text
        for en, zh in _HELP_WORDS:
            text = text.replace(en, zh)
        return text


def build_parser(english: bool = False) -> argparse.ArgumentParser:
    """The parser with help texts in Chinese, or in English when `english`."""

    def h(zh: str, en: str) -> str:
        return en if english else zh

    parser_class = type("LocalizedParser", (Parser,), {"english": english})
    p: argparse.ArgumentParser = parser_class(
        prog="gridworker",
        description=h("网格通 GridWorker 客户端", "GridWorker 网格通 field client"),
    )
    p.add_argument(
        "--profile",
        default=None,
        help=h(
            "本机档案所在的文件夹（默认：用户数据目录）", "profile folder (default: user data dir)"
        ),
    )
    p.add_argument("--lang", default=None, help=h("zh_CN（默认）或 en", "zh_CN (default) or en"))
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        help=h(
            "档案被另一个网格通进程占用时，最多等待的秒数",
            "seconds to wait if another GridWorker process has the profile open",
        ),
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help=h(
            "在临时档案中检查 SQLCipher、加密和翻译",
            "check SQLCipher, crypto and translations in a temporary profile",
        ),
    )
    sub: Any = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)

    s = sub.add_parser(
        "init", help=h("离线新建加密的本机档案", "create an encrypted profile offline")
    )
    s.add_argument("--username", required=True, help=h("用户名", "username"))
    s.add_argument(
        "--grid",
        action="append",
        required=True,
        help=h(
            "15位网格编码（可重复，或用逗号分隔）",
            "a 15-digit grid code (repeat or comma-separate)",
        ),
    )
    s.add_argument(
        "--role",
        default="grid_worker",
        choices=ROLES,
        help=h("角色（默认 grid_worker 网格员）", "role (default grid_worker)"),
    )
    s.add_argument("--display-name", default=None, help=h("显示的姓名", "name shown in the app"))
    s.add_argument(
        "--district-key",
        default=None,
        help=h(
            "区级编号密钥文件：登录前生成的编号即与其他电脑一致",
            "file with the district id secret, so ids match other laptops before enrollment",
        ),
    )
    s.set_defaults(func=cmd_init)

    s = sub.add_parser(
        "import",
        help=h(
            "导入花名册（.csv/.xlsx）或导出文件（.jsonl）；--template 写出花名册模板",
            "import a roster (.csv/.xlsx) or an export (.jsonl); --template writes the roster "
            "template",
        ),
    )
    s.add_argument(
        "file",
        help=h(
            "要导入的文件（与 --template 一起：要写出的 .xlsx）",
            "the file to import (with --template: the .xlsx to write)",
        ),
    )
    s.add_argument(
        "--json", action="store_true", help=h("以 JSON 输出导入报告", "print the report as JSON")
    )
    s.add_argument(
        "--dry-run",
        action="store_true",
        help=h(
            "只读取并检查文件，显示列的对应和计数，不写入",
            "read and check the file, show the mapping and the counts, write nothing",
        ),
    )
    s.add_argument(
        "--map",
        action="append",
        metavar="列名=FIELD",
        help=h(
            "指定某列对应的字段（如 手机号码=phone；备注=ignore），可重复",
            "map a column to a field (e.g. 手机号码=phone; 备注=ignore); repeatable",
        ),
    )
    s.add_argument(
        "--area-code",
        default="0799",
        help=h(
            "7–8位本地电话号码前加的区号（默认 0799；'' 表示不加）",
            "area code added to 7-8 digit local phone numbers (default 0799; '' for none)",
        ),
    )
    s.add_argument(
        "--relationship-codes",
        choices=["gbt", "census"],
        default=None,
        help=h(
            "一位数的与户主关系代码按 gbt（GB/T 4761）还是 census（人口普查表）解读",
            "what one-digit 与户主关系 codes mean: GB/T 4761 classes or the census form's",
        ),
    )
    s.add_argument(
        "--buildings",
        action="store_true",
        help=h(
            "文件是楼栋房屋表（小区名称、楼栋号、单元、房号、房屋用途……），不是花名册",
            "the file is a sheet of buildings and flats (小区名称, 楼栋号, 单元, 房号, …)",
        ),
    )
    s.add_argument("--template", action="store_true", help=h(
        "把花名册模板（带下拉选项的 .xlsx）写到 FILE 后结束",
        "write the roster template (.xlsx with drop-down lists) to FILE and stop"))  # fmt: skip
    s.set_defaults(func=cmd_import)

    s = sub.add_parser(
        "export",
        help=h(
            "导出记录（默认脱敏，--unmasked 除外）", "export records (masked unless --unmasked)"
        ),
    )
    s.add_argument(
        "--kind",
        required=True,
        choices=[
            *("households", "residents", "visits", "inspections", "rectifications", "cases"),
            # Party building (§22): only for roles that see party membership.
            *("party_orgs", "adviser_postings", "party_guidance", "party_members"),
            *("party_services", "coop_agreements", "coop_resources", "coop_projects"),
            *("coop_needs", "service_stations", "volunteers", "volunteer_activities"),
            *("volunteer_signups", "point_exchanges"),
        ],
        help=h("导出哪类记录", "which records"),
    )
    s.add_argument(
        "--format",
        required=True,
        choices=["jsonl", "csv", "xlsx"],
        help=h("文件格式", "file format"),
    )
    s.add_argument(
        "-o",
        "--output",
        default=None,
        help=h(
            "输出文件（默认：本机档案的导出文件夹中的新文件）",
            "the file to write (default: a new file in the profile's exports folder)",
        ),
    )
    s.add_argument(
        "--unmasked",
        action="store_true",
        help=h(
            "完整的身份证号码和电话（导出会记入审计日志）",
            "full ID numbers and phones (the export is audit-logged)",
        ),
    )
    s.add_argument(
        "--all",
        action="store_true",
        help=h(
            "居民也包括已迁出和已死亡的人员",
            "residents: also those who moved out or died",
        ),
    )
    s.set_defaults(func=cmd_export)

    s = sub.add_parser(
        "ledger",
        help=h(
            "台账：一个 .xlsx，每类记录一张表（默认脱敏）",
            "台账: one .xlsx with a sheet per kind (masked by default)",
        ),
    )
    s.add_argument("-o", "--output", required=True, help=h("要写入的 .xlsx 文件", "the .xlsx file"))
    s.add_argument(
        "--scope",
        default=None,
        help=h("街道、社区或网格编码", "street, community or grid code (a prefix)"),
    )
    s.add_argument(
        "--from",
        dest="date_from",
        default=None,
        help=h("起始日期 YYYY-MM-DD", "first day, YYYY-MM-DD"),
    )
    s.add_argument(
        "--to",
        dest="date_to",
        default=None,
        help=h("截止日期 YYYY-MM-DD（含当天）", "last day, YYYY-MM-DD (included)"),
    )
    s.add_argument(
        "--kind",
        action="append",
        default=None,
        help=h(
            "cases、inspections、rectifications、visits、residents（默认全部）",
            "cases, inspections, rectifications, visits, residents (default: all)",
        ),
    )
    s.add_argument(
        "--unmasked",
        action="store_true",
        help=h(
            "完整的身份证号码和电话（导出会记入审计日志）",
            "full ID numbers and phones (the export is audit-logged)",
        ),
    )
    s.set_defaults(func=cmd_ledger)

    s = sub.add_parser(
        "stats",
        help=h(
            "工作统计：按网格和人员，不排名（督办员、区管理员）",
            "work statistics per grid and person, no ranking (supervisors, admin)",
        ),
    )
    s.add_argument("--scope", default=None, help=h("街道、社区或网格编码", "area code (a prefix)"))
    s.add_argument(
        "--from", dest="date_from", default=None, help=h("起始日期（默认本月1日）", "first day")
    )
    s.add_argument(
        "--to", dest="date_to", default=None, help=h("截止日期（含，默认今天）", "last day")
    )
    s.add_argument("-o", "--output", default=None, help=h("另存为 .xlsx", "also write an .xlsx"))
    s.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser(
        "print",
        help=h(
            "打印事件处置单、检查记录或一户一档（PDF）",
            "a printable PDF of a case (处置单), an inspection or a household (一户一档)",
        ),
    )
    which = s.add_mutually_exclusive_group(required=True)
    which.add_argument("--case", default=None, help=h("事件编号", "case id"))
    which.add_argument("--inspection", default=None, help=h("检查记录编号", "inspection id"))
    which.add_argument(
        "--household", default=None, help=h("住户的记录编号（一户一档）", "household id (its file)")
    )
    s.add_argument("-o", "--output", required=True, help=h("要写入的 .pdf 文件", "the .pdf file"))
    s.set_defaults(func=cmd_print)

    s = sub.add_parser(
        "enroll",
        help=h("联网登录一次，登记这台电脑", "sign in once online and register this laptop"),
    )
    s.add_argument(
        "--server", required=True, help=h("服务器地址 https://主机[:端口]", "https://server[:port]")
    )
    s.add_argument("--username", required=True, help=h("用户名", "username"))
    s.add_argument(
        "--ca-bundle",
        default=None,
        help=h("信任的服务器CA证书文件", "CA certificates to trust for the server"),
    )
    s.add_argument("--quiet", action="store_true", help=h("不显示进度", "no progress lines"))
    s.set_defaults(func=cmd_enroll)

    s = sub.add_parser("sync", help=h("同步一次：先上传，再下载", "one push-then-pull cycle"))
    s.add_argument("--quiet", action="store_true", help=h("不显示进度", "no progress lines"))
    s.set_defaults(func=cmd_sync)

    s = sub.add_parser("conflicts", help=h("查看或处理同步冲突", "list or resolve sync conflicts"))
    csub = s.add_subparsers(
        dest="conflicts_command", required=True, metavar="list|resolve", parser_class=parser_class
    )
    c = csub.add_parser("list", help=h("列出冲突", "list the conflicts"))
    c.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    c.add_argument(
        "--status",
        default="open",
        choices=["open", "resolved", "all"],
        help=h(
            "open 待处理（默认）、resolved 已处理或 all 全部", "open (default), resolved or all"
        ),
    )
    c.add_argument(
        "--unmasked",
        action="store_true",
        help=h(
            "完整显示身份证号和电话（记入日志，同非脱敏导出）",
            "show ID numbers and phone numbers in full (logged, like an unmasked export)",
        ),
    )
    c.set_defaults(func=cmd_conflicts)
    c = csub.add_parser("resolve", help=h("处理一个冲突", "resolve one conflict"))
    c.add_argument("id", help=h("冲突编号", "conflict id"))
    c.add_argument(
        "--keep",
        choices=["local", "server"],
        help=h("保留 local 本机或 server 服务器的值", "keep the local or the server value"),
    )
    c.add_argument("--field", help=h("要填写取值的字段", "the field to set"))
    c.add_argument("--value", help=h("该字段的取值", "its value"))
    c.set_defaults(func=cmd_conflicts)

    s = sub.add_parser(
        "demo",
        help=h(
            "内置演示服务器和演示辖区，以演示账号打开网格通",
            "embedded server with the demo district, and the app signed in as a demo account",
        ),
    )
    s.add_argument(
        "--as",
        dest="demo_as",
        default="worker",
        choices=DEMO_ROLES,
        help=h(
            "以哪个演示账号打开：worker 网格员（默认）、street 街道督办员、admin 区管理员",
            "which demo account: worker (default), street supervisor or district admin",
        ),
    )
    s.add_argument(
        "--reset",
        action="store_true",
        help=h("删除之前的演示数据，重新开始", "delete the earlier demo data and start afresh"),
    )
    s.add_argument(
        "--no-gui",
        action="store_true",
        help=h("不打开窗口，以文字显示首页", "print the first screen as text"),
    )
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser(
        "dashboard",
        help=h(
            "数据看板：按范围统计事件（来自已同步的数据）",
            "case figures for a scope, from the synced data",
        ),
    )
    s.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    s.add_argument(
        "--scope",
        default=None,
        help=h("区、街道、社区或网格编码", "district, street, community or grid code"),
    )
    s.add_argument(
        "--as-of",
        default=None,
        help=h(
            "统计截至的日期或时间（ISO 8601，默认：现在）", "ISO 8601 date or time (default: now)"
        ),
    )
    s.add_argument(
        "--since",
        default=None,
        help=h("只统计此后上报的事件", "count only cases reported from then on"),
    )
    s.set_defaults(func=cmd_dashboard)

    s = sub.add_parser("party", help=h("党建工作统计", "party-building figures"))
    psub = s.add_subparsers(
        dest="party_command",
        required=True,
        metavar="report|ledger|print",
        parser_class=parser_class,
    )
    c = psub.add_parser(
        "report",
        help=h(
            "党建月报：党组织、指导员、双报到党员和服务时长（来自已同步的数据）",
            "a month's party-building figures, from the synced data",
        ),
    )
    c.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    c.add_argument(
        "--scope",
        default=None,
        help=h("区、街道、社区或网格编码", "district, street, community or grid code"),
    )
    c.add_argument(
        "--month",
        default=None,
        help=h("月份 YYYY-MM（默认：本月）", "month YYYY-MM (default: this month)"),
    )
    c.set_defaults(func=cmd_party_report)
    for name, func, zh, en, suffix in (
        (
            "ledger",
            cmd_party_ledger,
            "党建台账（Excel）",
            "the party-building ledger (.xlsx)",
            "xlsx",
        ),
        ("print", cmd_party_print, "党建月报（PDF）", "the printable monthly report (PDF)", "pdf"),
    ):
        c = psub.add_parser(name, help=h(zh, en))
        c.add_argument(
            "-o",
            "--output",
            required=True,
            metavar=f"FILE.{suffix}",
            help=h("写入的文件", "the file"),
        )
        c.add_argument(
            "--scope",
            default=None,
            help=h("区、街道、社区或网格编码", "district, street, community or grid code"),
        )
        c.add_argument(
            "--month",
            default=None,
            help=h("月份 YYYY-MM（默认：本月）", "month YYYY-MM (default: this month)"),
        )
        if name == "ledger":
            c.add_argument(
                "--unmasked",
                action="store_true",
                help=h("姓名和电话不脱敏（记入审计）", "full names and phones (audit-logged)"),
            )
        c.set_defaults(func=func)

    add_register_commands(sub, h, parser_class)

    s = sub.add_parser(
        "status",
        help=h("待同步的修改、冲突、上次同步时间", "pending changes, conflicts, last sync"),
    )
    s.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    s.set_defaults(func=cmd_status)

    add_task_commands(sub, h, parser_class)
    add_notice_commands(sub, h, parser_class)
    return p
