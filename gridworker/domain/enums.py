"""Labelled enums: a stable code for storage and the wire, with Chinese and English labels.

Members are declared ``name = ("code", "中文", "English")``. Member names equal
their codes where the code is a Python identifier (a keyword gets a trailing
underscore: ``CaseActionKind.return_`` has code ``"return"``); numeric codes
from national standards get descriptive names (``Gender.male`` is ``"1"``).
The code is what databases, CSV exports and sync payloads carry, so it must
never change once shipped; labels may.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Self, cast


class LabeledEnum(StrEnum):
    """Base for enums whose value is a code and which carry zh/en labels.

    A ``str`` subclass (StrEnum is ``str, Enum``), so members compare equal to their
    codes and serialise to JSON as the code.
    """

    _value_: str
    _zh: str
    _en: str

    # Members are declared as (code, zh, en, *extras). The signature takes *rest so that
    # value lookup, ``Gender("1")``, type-checks as the one-argument call it is.
    def __new__(cls, code: str, *rest: object) -> Self:
        if len(rest) < 2 or not isinstance(rest[0], str) or not isinstance(rest[1], str):
            raise TypeError(f"{cls.__name__} {code!r}: declare as (code, zh, en, ...)")
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj._zh = rest[0]
        obj._en = rest[1]
        return obj

    def __str__(self) -> str:
        # The code, not "Class.member": str() is what ends up in CSV cells and SQL.
        return self._value_

    def __format__(self, format_spec: str) -> str:
        return format(self._value_, format_spec)

    @property
    def code(self) -> str:
        """The stable code (same as ``.value``)."""
        return self._value_

    @property
    def zh(self) -> str:
        """Chinese label."""
        return self._zh

    @property
    def en(self) -> str:
        """English label."""
        return self._en

    def label(self, lang: str = "zh_CN") -> str:
        """The label in ``lang``: English for any language starting with "en", else Chinese."""
        return self._en if lang.lower().startswith("en") else self._zh

    @classmethod
    def _aliases(cls) -> Mapping[str, str]:
        """Extra accepted spellings (casefolded) mapped to member codes; override to add."""
        return {}

    @classmethod
    def _lookup(cls) -> dict[str, Self]:
        return cast("dict[str, Self]", _lookup_table(cls))

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept the code, the Chinese or the English label (case-insensitive, stripped).

        Numeric codes also accept the number without leading zeros ("1" for "01"),
        because spreadsheets drop them. Raises ValueError listing accepted values.
        """
        if isinstance(text, cls):
            return text
        key = str(text).strip().casefold()
        table = cls._lookup()
        found = table.get(key)
        if found is None and key.isdigit():
            for member in cls:
                if member.code.isdigit() and member.code.lstrip("0") == key.lstrip("0"):
                    found = member
                    break
        if found is None:
            accepted = ", ".join(f"{m.code} {m.zh} ({m.en})" for m in cls)
            raise ValueError(f"unknown {cls.__name__} {text!r}; accepted: {accepted}")
        return found

    @classmethod
    def choices(cls, lang: str = "zh_CN") -> list[tuple[str, str]]:
        """(code, label) pairs in declaration order, for pick lists."""
        return [(m.code, m.label(lang)) for m in cls]


@cache
def _lookup_table(cls: type[LabeledEnum]) -> dict[str, LabeledEnum]:
    table: dict[str, LabeledEnum] = {}
    for member in cls:
        keys = {member.code, member.zh, member.en, member.name}
        # "户主/本人", "小学校/幼儿园": each half of a slash label is accepted on its own.
        keys.update(part for part in member.zh.split("/") if part)
        for key in keys:
            table.setdefault(key.strip().casefold(), member)
    by_code = {member.code: member for member in cls}
    for alias, code in cls._aliases().items():
        table.setdefault(alias.strip().casefold(), by_code[code])
    return table


# --- people and organisation -------------------------------------------------------


class Role(LabeledEnum):
    grid_worker = ("grid_worker", "网格员", "Grid worker")
    adviser = ("adviser", "党建指导员", "Party-building adviser")
    supervisor = ("supervisor", "督办员", "Supervisor")
    department = ("department", "职能部门", "Department")
    admin = ("admin", "区管理员", "District administrator")


class SupervisorLevel(LabeledEnum):
    community = ("community", "社区", "Community")
    street = ("street", "街道", "Street")


class RegionLevel(LabeledEnum):
    county = ("county", "区县", "County/district")
    street = ("street", "街道/乡镇", "Street/town")
    community = ("community", "社区/村", "Community/village")


class GridType(LabeledEnum):
    basic = ("basic", "基础网格", "Basic grid")
    dedicated = ("dedicated", "专属网格", "Dedicated grid")


# --- register ----------------------------------------------------------------------


class Gender(LabeledEnum):
    """GB/T 2261.1 codes."""

    male = ("1", "男", "Male")
    female = ("2", "女", "Female")
    unknown = ("0", "未知", "Unknown")
    unspecified = ("9", "未说明", "Unspecified")


class EconomicStatus(LabeledEnum):
    """GB/T 31000 household economic situation."""

    no_fixed_income = ("01", "无固定经济来源", "No fixed income")
    fixed_income = ("02", "有固定经济来源", "Fixed income")
    low_income = ("03", "低收入家庭", "Low-income household")
    poor = ("04", "贫困", "Poverty")
    other = ("99", "其他", "Other")


class ResidenceType(LabeledEnum):
    owned = ("01", "自购", "Owned")
    rented = ("02", "租赁", "Rented")
    lodging = ("03", "寄宿", "Lodging")
    borrowed = ("04", "借住", "Staying free of charge")
    work_dormitory = ("05", "单位宿舍", "Employer dormitory")
    temporary_dormitory = ("06", "临时宿舍", "Temporary dormitory")
    migrant_worker_apartment = ("07", "农民工公寓", "Migrant-worker apartment")
    other = ("99", "其他", "Other")


class Health(LabeledEnum):
    very_good = ("01", "很好", "Very good")
    good = ("02", "好", "Good")
    fair = ("03", "一般", "Fair")
    poor = ("04", "差", "Poor")
    very_poor = ("05", "很差", "Very poor")


class MaritalStatus(LabeledEnum):
    """婚姻状况 (GB/T 2261.2; the census form's 1–4 are aliases). The register keeps the
    Chinese label as text, so these codes are for parsing and pick lists only."""

    unmarried = ("unmarried", "未婚", "Never married")
    married = ("married", "已婚", "Married")
    widowed = ("widowed", "丧偶", "Widowed")
    divorced = ("divorced", "离婚", "Divorced")
    unspecified = ("unspecified", "未说明", "Not stated")

    @classmethod
    def _aliases(cls) -> Mapping[str, str]:
        return _MARITAL_ALIASES


_MARITAL_ALIASES: dict[str, str] = {
    # GB/T 2261.2-2003 codes, then the census form's (R601: 1 未婚 2 有配偶 3 离婚 4 丧偶)
    "10": "unmarried", "20": "married", "21": "married", "22": "married", "23": "married",
    "30": "widowed", "40": "divorced", "90": "unspecified",
    "1": "unmarried", "2": "married", "3": "divorced", "4": "widowed",
    **dict.fromkeys(["初婚", "再婚", "复婚", "有配偶", "在婚"], "married"),
    **dict.fromkeys(["未说明的婚姻状况", "不详"], "unspecified"),
    "单身": "unmarried",
}


class Education(LabeledEnum):
    """文化程度 (GB/T 4658 two-digit codes and the census form's 1–9 are aliases); kept as
    the Chinese label's text in the register, like MaritalStatus."""

    none = ("none", "未上过学", "No schooling")
    preschool = ("preschool", "学前教育", "Pre-school")
    primary = ("primary", "小学", "Primary school")
    junior = ("junior", "初中", "Junior secondary")
    senior = ("senior", "高中", "Senior secondary")
    vocational = ("vocational", "中专/中职", "Secondary vocational")
    college = ("college", "大学专科", "Junior college")
    bachelor = ("bachelor", "大学本科", "Bachelor's degree")
    master = ("master", "硕士研究生", "Master's degree")
    doctor = ("doctor", "博士研究生", "Doctorate")

    @classmethod
    def _aliases(cls) -> Mapping[str, str]:
        return _EDUCATION_ALIASES


_EDUCATION_ALIASES: dict[str, str] = {
    # GB/T 4658-2006
    "10": "master", "11": "doctor", "14": "master", "20": "bachelor", "21": "bachelor",
    "30": "college", "31": "college", "40": "vocational", "41": "vocational",
    "44": "vocational", "47": "vocational", "60": "senior", "61": "senior", "70": "junior",
    "71": "junior", "80": "primary", "81": "primary", "90": "none",
    # the census form (R601): 1 未上过学 … 9 博士研究生
    "1": "none", "2": "preschool", "3": "primary", "4": "junior", "5": "senior",
    "6": "college", "7": "bachelor", "8": "master", "9": "doctor",
    **dict.fromkeys(["文盲", "半文盲", "文盲或半文盲", "不识字或识字很少", "无"], "none"),
    **dict.fromkeys(["幼儿园", "学龄前"], "preschool"),
    **dict.fromkeys(["小学教育", "小学毕业"], "primary"),
    **dict.fromkeys(["初级中学", "初中毕业"], "junior"),
    **dict.fromkeys(["高级中学", "高中毕业", "普通高中"], "senior"),
    **dict.fromkeys(["中专", "中职", "中技", "技校", "职高", "中等专科"], "vocational"),
    **dict.fromkeys(["大专", "专科", "高职"], "college"),
    **dict.fromkeys(["本科", "大学", "学士"], "bachelor"),
    **dict.fromkeys(["硕士", "研究生"], "master"),
    **dict.fromkeys(["博士"], "doctor"),
}


class Relationship(LabeledEnum):
    """与户主关系, simplified from GB/T 4761 to what rosters actually distinguish."""

    head = ("head", "户主", "Head of household")
    spouse = ("spouse", "配偶", "Spouse")
    son = ("son", "子", "Son")
    daughter = ("daughter", "女", "Daughter")
    father = ("father", "父亲", "Father")
    mother = ("mother", "母亲", "Mother")
    grandchild = ("grandchild", "孙子女", "Grandchild")
    grandparent = ("grandparent", "祖父母", "Grandparent")
    sibling = ("sibling", "兄弟姐妹", "Sibling")
    child_in_law = ("child_in_law", "儿媳/女婿", "Child-in-law")
    other = ("other", "其他", "Other")
    # Added with the roster import of real district files (GB/T 4761 5x, 8x/9x; the census
    # form's 岳父母或公婆): codes are new, so older laptops only lack the label.
    parent_in_law = ("parent_in_law", "公婆/岳父母", "Parent-in-law")
    other_relative = ("other_relative", "其他亲属", "Other relative")
    non_relative = ("non_relative", "非亲属", "Not a relative")

    @classmethod
    def _aliases(cls) -> Mapping[str, str]:
        return _RELATIONSHIP_ALIASES


_RELATIONSHIP_ALIASES: dict[str, str] = {
    **dict.fromkeys(["本人", "户主本人", "本人/户主", "self", "householder"], "head"),
    **dict.fromkeys(["妻子", "丈夫", "妻", "夫", "爱人", "wife", "husband"], "spouse"),
    **dict.fromkeys(["儿子", "长子", "次子", "三子", "独生子", "养子", "继子"], "son"),
    **dict.fromkeys(["女儿", "长女", "次女", "三女", "独生女", "养女", "继女"], "daughter"),
    **dict.fromkeys(["父", "爸爸", "继父", "养父"], "father"),
    **dict.fromkeys(["母", "妈妈", "继母", "养母"], "mother"),
    **dict.fromkeys(
        ["孙子", "孙女", "外孙", "外孙子", "外孙女", "外孙子女", "grandson", "granddaughter"],
        "grandchild",
    ),
    **dict.fromkeys(
        ["祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆",
         "grandfather", "grandmother"],
        "grandparent",
    ),
    **dict.fromkeys(
        ["兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹",
         "brother", "sister"],
        "sibling",
    ),
    **dict.fromkeys(["儿媳", "儿媳妇", "女婿", "媳婿", "daughter-in-law", "son-in-law"],
                    "child_in_law"),
    **dict.fromkeys(
        ["公公", "婆婆", "岳父", "岳母", "公婆", "岳父母", "岳父母或公婆", "丈人", "丈母娘",
         "father-in-law", "mother-in-law"],
        "parent_in_law",
    ),
    **dict.fromkeys(
        ["伯父", "伯母", "叔父", "叔叔", "婶母", "婶婶", "舅父", "舅舅", "舅母", "姨父", "姨母",
         "姑父", "姑母", "姑姑", "堂兄弟", "堂姐妹", "表兄弟", "表姐妹", "侄", "侄子", "侄女",
         "外甥", "外甥女", "嫂", "嫂子", "弟媳", "姐夫", "妹夫", "孙媳妇", "孙女婿", "曾孙",
         "曾孙子", "曾孙女", "曾祖父", "曾祖母", "亲属", "其他亲属", "亲戚", "relative"],
        "other_relative",
    ),
    **dict.fromkeys(
        ["非亲属", "租户", "租客", "房客", "保姆", "同住人", "借住", "借住人", "雇员", "员工",
         "朋友", "lodger", "tenant", "not related"],
        "non_relative",
    ),
}


class HouseUse(LabeledEnum):
    own = ("own", "自住", "Owner-occupied")
    rented = ("rented", "出租", "Rented out")
    business = ("business", "经营", "Business")
    vacant = ("vacant", "空置", "Vacant")
    other = ("other", "其他", "Other")


class TagGroup(LabeledEnum):
    care = ("care", "关爱对象", "Care group")
    key_youth = ("key_youth", "重点青少年", "Key youth")
    special = ("special", "特殊人群", "Special group")


class TagKind(LabeledEnum):
    """Resident tags, with their group, privacy class and default visit interval.

    ``restricted``: visible only to the responsible worker and named officers
    (docs/design.md §6). ``sensitive``: sensitive personal information under PIPL
    art. 28 (special identity, health, disability, minors). The visit intervals
    are defaults (a district may override per tag): weekly for old people living
    alone or without family, whose risk is going unnoticed; monthly for the
    vulnerable and the special groups; quarterly where the tag is mainly about
    entitlements (低保, 退役军人, 留守妇女).
    """

    _group: TagGroup
    _restricted: bool
    _sensitive: bool
    _interval: int

    def __init__(self, *args: object) -> None:
        # (code, zh, en, group, restricted, sensitive, visit_interval_days)
        group, restricted, sensitive, interval = args[3:]
        if not (
            isinstance(group, TagGroup)
            and isinstance(restricted, bool)
            and isinstance(sensitive, bool)
            and isinstance(interval, int)
        ):
            raise TypeError(f"TagKind {args[0]!r}: bad group/restricted/sensitive/interval")
        self._group = group
        self._restricted = restricted
        self._sensitive = sensitive
        self._interval = interval

    @property
    def group(self) -> TagGroup:
        return self._group

    @property
    def restricted(self) -> bool:
        return self._restricted

    @property
    def sensitive(self) -> bool:
        return self._sensitive

    @property
    def visit_interval_days(self) -> int:
        return self._interval

    @classmethod
    def _aliases(cls) -> Mapping[str, str]:
        return _TAG_ALIASES

    # care groups
    living_alone_elderly = (
        "living_alone_elderly", "独居老人", "Elderly living alone", TagGroup.care, False, False, 7)
    empty_nest_elderly = (
        "empty_nest_elderly", "空巢老人", "Empty-nest elderly", TagGroup.care, False, False, 30)
    childless_elderly = (
        "childless_elderly", "孤寡老人", "Elderly without family", TagGroup.care, False, False, 7)
    bereaved_elderly = (
        "bereaved_elderly", "失独老人", "Elderly who lost their only child",
        TagGroup.care, False, True, 30)
    disabled = ("disabled", "残疾人", "Person with disability", TagGroup.care, False, True, 30)
    low_income = (
        "low_income", "低保", "Subsistence allowance (dibao)", TagGroup.care, False, True, 90)
    veteran = ("veteran", "退役军人", "Veteran", TagGroup.care, False, False, 90)
    left_behind_child = (
        "left_behind_child", "留守儿童", "Left-behind child", TagGroup.care, False, True, 30)
    left_behind_elderly = (
        "left_behind_elderly", "留守老人", "Left-behind elderly", TagGroup.care, False, False, 30)
    left_behind_woman = (
        "left_behind_woman", "留守妇女", "Left-behind woman", TagGroup.care, False, False, 90)
    autistic_child = (
        "autistic_child", "自闭症儿童", "Child with autism", TagGroup.care, False, True, 30)
    child_in_distress = (
        "child_in_distress", "困境儿童", "Child in distress", TagGroup.care, False, True, 30)
    # key youth (GB/T 31000 01–05); all concern minors or young people's conduct
    idle_youth = ("idle_youth", "闲散青少年", "Idle youth", TagGroup.key_youth, False, True, 30)
    misbehaving_youth = (
        "misbehaving_youth", "不良行为青少年", "Youth with misbehaviour",
        TagGroup.key_youth, False, True, 30)
    street_minor = (
        "street_minor", "流浪乞讨未成年人", "Minor living on the streets",
        TagGroup.key_youth, False, True, 30)
    inmate_child = (
        "inmate_child", "服刑人员未成年子女", "Minor child of a prisoner",
        TagGroup.key_youth, False, True, 30)
    rural_left_behind_child = (
        "rural_left_behind_child", "农村留守儿童", "Rural left-behind child",
        TagGroup.key_youth, False, True, 30)
    # special groups
    released_prisoner = (
        "released_prisoner", "刑满释放人员", "Released prisoner", TagGroup.special, True, True, 30)
    community_correction = (
        "community_correction", "社区矫正对象", "Person under community correction",
        TagGroup.special, True, True, 30)
    drug_user = ("drug_user", "吸毒人员", "Drug user", TagGroup.special, True, True, 30)
    severe_mental_illness = (
        "severe_mental_illness", "严重精神障碍患者", "Person with severe mental disorder",
        TagGroup.special, True, True, 30)
    key_petitioner = (
        "key_petitioner", "重点上访人员", "Key petitioner", TagGroup.special, True, True, 30)


# Tags as rosters write them: with or without their suffix (低保户 = 低保, 残疾 = 残疾人),
# or by the name of the allowance or group (DOMAIN.md "Values as people write them").
_TAG_ALIASES: dict[str, str] = {
    **dict.fromkeys(["独居", "独居老年人", "空巢独居老人"], "living_alone_elderly"),
    **dict.fromkeys(["空巢", "空巢老年人"], "empty_nest_elderly"),
    **dict.fromkeys(["孤寡", "孤老", "孤寡老年人", "五保", "五保户", "特困供养", "特困人员"],
                    "childless_elderly"),
    **dict.fromkeys(["失独", "失独家庭", "失独老年人"], "bereaved_elderly"),
    **dict.fromkeys(["残疾", "残疾人员", "残障", "残障人士", "持证残疾人"], "disabled"),
    **dict.fromkeys(["低保户", "低保对象", "低保家庭", "低保人员", "最低生活保障"], "low_income"),
    **dict.fromkeys(["退伍军人", "复员军人", "转业军人"], "veteran"),
    **dict.fromkeys(["自闭症", "孤独症", "孤独症儿童"], "autistic_child"),
    **dict.fromkeys(["困境"], "child_in_distress"),
    **dict.fromkeys(["闲散青少年人员"], "idle_youth"),
    **dict.fromkeys(["不良行为", "有不良行为青少年"], "misbehaving_youth"),
    **dict.fromkeys(["刑满释放", "刑释人员", "刑释解教人员"], "released_prisoner"),
    **dict.fromkeys(["社区矫正", "社区矫正人员", "矫正对象"], "community_correction"),
    **dict.fromkeys(["吸毒", "社区戒毒", "社区康复"], "drug_user"),
    **dict.fromkeys(["严重精神障碍", "精神障碍患者", "严重精神病患者"], "severe_mental_illness"),
    **dict.fromkeys(["重点上访", "重点信访人员"], "key_petitioner"),
}


# --- visits ------------------------------------------------------------------------


class VisitMode(LabeledEnum):
    home = ("home", "入户", "Home visit")
    phone = ("phone", "电话", "Phone call")
    meeting = ("meeting", "屋场会", "Neighbourhood meeting")


class NeedCategory(LabeledEnum):
    livelihood = ("livelihood", "民生需求", "Livelihood need")
    policy = ("policy", "政策咨询", "Policy question")
    dispute = ("dispute", "矛盾纠纷", "Dispute")
    hazard = ("hazard", "安全隐患", "Safety hazard")
    other = ("other", "其他", "Other")


# --- hazards and inspections -------------------------------------------------------


class HazardKind(LabeledEnum):
    dangerous_building = ("dangerous_building", "危房", "Dangerous building")
    fire_safety = ("fire_safety", "消防安全", "Fire safety")
    gas_safety = ("gas_safety", "燃气安全", "Gas safety")


class PremisesType(LabeledEnum):
    """九小场所 and the other premises inspected for fire and gas safety."""

    small_school = ("small_school", "小学校/幼儿园", "Small school or nursery")
    small_clinic = ("small_clinic", "小医院/诊所", "Small clinic")
    small_shop = ("small_shop", "小商店", "Small shop")
    small_restaurant = ("small_restaurant", "小餐饮场所", "Small restaurant")
    small_hotel = ("small_hotel", "小旅馆", "Small hotel")
    small_entertainment = ("small_entertainment", "小歌舞娱乐场所", "Small entertainment venue")
    internet_cafe = ("internet_cafe", "小网吧", "Internet café")
    small_bath_salon = ("small_bath_salon", "小美容洗浴场所", "Small beauty salon or bathhouse")
    small_workshop = ("small_workshop", "小生产加工企业", "Small workshop")
    care_home = ("care_home", "小养老院", "Small care home")
    hazardous_goods_shop = ("hazardous_goods_shop", "危化品经营店", "Hazardous-goods shop")
    restaurant = ("restaurant", "餐饮", "Restaurant")
    hotel = ("hotel", "宾馆酒店", "Hotel")
    household = ("household", "居民住户", "Household")
    other = ("other", "其他", "Other")


class DangerGrade(LabeledEnum):
    """JGJ 125 building danger grades, with the standard's description."""

    _desc_zh: str
    _desc_en: str

    def __init__(self, *args: object) -> None:
        # (code, zh, en, description_zh, description_en)
        desc_zh, desc_en = args[3:]
        if not (isinstance(desc_zh, str) and isinstance(desc_en, str)):
            raise TypeError(f"DangerGrade {args[0]!r}: descriptions must be text")
        self._desc_zh = desc_zh
        self._desc_en = desc_en

    @property
    def description(self) -> str:
        """Chinese description (JGJ 125)."""
        return self._desc_zh

    def describe(self, lang: str = "zh_CN") -> str:
        """The grade's description in ``lang``."""
        return self._desc_en if lang.lower().startswith("en") else self._desc_zh

    @property
    def is_dangerous(self) -> bool:
        """C and D are dangerous buildings (危房) that need patrols and close-out."""
        return self in (DangerGrade.C, DangerGrade.D)

    A = ("A", "A级", "Grade A",
         "无危险构件，结构能满足安全使用要求",
         "No dangerous members; the structure is safe to use")
    B = ("B", "B级", "Grade B",
         "个别结构构件为危险构件，但不影响主体结构安全，基本能满足安全使用要求",
         "A few dangerous members; the structure is basically safe")
    C = ("C", "C级（局部危房）", "Grade C (partly dangerous)",
         "部分承重结构不能满足安全使用要求，房屋局部处于危险状态，构成局部危房",
         "Part of the load-bearing structure is unsafe: the building is partly dangerous")
    D = ("D", "D级（整幢危房）", "Grade D (wholly dangerous)",
         "承重结构已不能满足安全使用要求，房屋整体处于危险状态，构成整幢危房",
         "The load-bearing structure is unsafe: the whole building is dangerous")


class Appraisal(LabeledEnum):
    observe = ("observe", "观察使用", "Use under observation")
    repair = ("repair", "处理使用", "Use after repair")
    stop_use = ("stop_use", "停止使用", "Stop using")
    demolish = ("demolish", "整体拆除", "Demolish")


class InspectionKind(LabeledEnum):
    routine = ("routine", "日常巡查", "Routine patrol")
    reinspection = ("reinspection", "复查", "Re-inspection")
    special = ("special", "专项检查", "Special inspection")


class ItemAnswer(LabeledEnum):
    pass_ = ("pass", "合格", "Pass")
    fail = ("fail", "不合格", "Fail")
    na = ("na", "不适用", "Not applicable")

    @classmethod
    def _aliases(cls) -> Mapping[str, str]:
        return _ITEM_ANSWER_ALIASES


_ITEM_ANSWER_ALIASES: dict[str, str] = {
    **dict.fromkeys(["是", "符合", "yes", "y", "ok", "√", "✓"], "pass"),
    **dict.fromkeys(["否", "不符合", "no", "n", "×", "✗"], "fail"),
    **dict.fromkeys(["n/a", "无此项", "-"], "na"),
}


class InspectionResult(LabeledEnum):
    pass_ = ("pass", "合格", "Pass")
    fail = ("fail", "不合格", "Fail")


class RectificationStatus(LabeledEnum):
    open = ("open", "整改中", "Being rectified")
    done = ("done", "已整改待复查", "Rectified, awaiting re-inspection")
    verified = ("verified", "复查通过待销号", "Re-inspected, awaiting close-out")
    closed = ("closed", "已销号", "Closed out")


class CloseBasis(LabeledEnum):
    verification = ("verification", "复查合格", "Passed re-inspection")
    certificate = ("certificate", "解危证明", "Danger-removal certificate")
    demolition = ("demolition", "拆除", "Demolished")


# --- cases -------------------------------------------------------------------------


class CaseCategory(LabeledEnum):
    livelihood = ("livelihood", "民生事项", "Livelihood")
    policy = ("policy", "政策咨询", "Policy question")
    dispute = ("dispute", "矛盾纠纷", "Dispute")
    hazard = ("hazard", "安全隐患", "Safety hazard")


class HotlineType(LabeledEnum):
    """12345 hotline work-order types."""

    consult = ("consult", "咨询", "Consultation")
    help = ("help", "求助", "Request for help")
    suggest = ("suggest", "建议", "Suggestion")
    complain = ("complain", "投诉", "Complaint")
    report = ("report", "举报", "Report of wrongdoing")


class DisputeType(LabeledEnum):
    """GB/T 31000 dispute types (level 2)."""

    marriage_family = ("01", "婚恋家庭", "Marriage and family")
    neighbourhood = ("02", "邻里", "Neighbours")
    personality_rights = ("03", "人格权", "Personality rights")
    property_rights = ("04", "物权", "Property rights")
    tort = ("05", "侵权", "Tort")
    contract = ("06", "合同", "Contract")
    labour_personnel = ("07", "劳动人事", "Labour and personnel")
    financial_lending = ("08", "金融借贷", "Financial lending")
    land_resources = ("09", "土地资源", "Land and resources")
    other_civil_commercial = ("10", "其他民商事", "Other civil or commercial")
    urban_rural_construction = ("11", "城乡建设", "Urban and rural construction")
    civil_affairs = ("12", "涉民政", "Civil affairs")
    other_administrative = ("13", "其他行政执法", "Other administrative enforcement")
    litigation_related = ("14", "涉法涉诉", "Litigation-related")
    organisation_discipline = ("15", "涉组织纪检", "Party organisation and discipline")
    ethnicity_religion = ("16", "民族宗教", "Ethnicity and religion")
    other = ("99", "其他", "Other")


class HazardType(LabeledEnum):
    """GB/T 31000 hazard types; 05–06 from another table of the standard, 07–08 ours."""

    public_order = ("01", "治安", "Public order")
    fire = ("02", "消防", "Fire")
    dispute = ("03", "矛盾纠纷", "Dispute")
    labour_dispute = ("04", "劳资纠纷", "Labour dispute")
    hazardous_chemicals = ("05", "危化物品", "Hazardous chemicals")
    infectious_disease = ("06", "疾病传染", "Infectious disease")
    housing_safety = ("07", "房屋安全", "Housing safety")
    gas = ("08", "燃气", "Gas")
    other = ("99", "其他", "Other")


class Urgency(LabeledEnum):
    immediate = ("immediate", "即时", "Immediate")
    normal = ("normal", "一般", "Normal")
    complex = ("complex", "较复杂", "Complex")
    difficult = ("difficult", "疑难", "Difficult")


class CaseScale(LabeledEnum):
    individual = ("01", "个体性", "Individual")
    group = ("02", "一般群体性", "Group")
    major_group = ("03", "重大群体性", "Major group")


class CaseSource(LabeledEnum):
    grid_worker = ("grid_worker", "网格员", "Grid worker")
    resident = ("resident", "居民", "Resident")
    hotline = ("hotline", "12345热线", "12345 hotline")
    patrol = ("patrol", "巡查", "Patrol")


class CaseState(LabeledEnum):
    draft = ("draft", "草稿", "Draft")
    reported = ("reported", "待受理", "Awaiting acceptance")
    accepted = ("accepted", "已受理", "Accepted")
    dispatched = ("dispatched", "待签收", "Awaiting sign-off")
    in_progress = ("in_progress", "处置中", "In progress")
    handled = ("handled", "待核查", "Awaiting verification")
    verified = ("verified", "待结案", "Awaiting closure")
    closed = ("closed", "已办结", "Closed")
    cancelled = ("cancelled", "已作废", "Cancelled")
    suspended = ("suspended", "挂账", "Suspended")

    @property
    def is_open(self) -> bool:
        """Reported and not yet closed or cancelled (suspended included): the clock runs."""
        return self not in (CaseState.draft, CaseState.closed, CaseState.cancelled)

    @property
    def is_terminal(self) -> bool:
        """No action leads out of it."""
        return self in (CaseState.closed, CaseState.cancelled)


class CaseActionKind(LabeledEnum):
    report = ("report", "上报", "Report")
    solve_on_spot = ("solve_on_spot", "当场办结", "Solve on the spot")
    accept = ("accept", "受理", "Accept")
    return_ = ("return", "退回", "Return")
    reject = ("reject", "不予受理", "Reject")
    dispatch = ("dispatch", "派遣", "Dispatch")
    handle_directly = ("handle_directly", "自行处置", "Handle directly")
    sign = ("sign", "签收", "Sign for")
    refuse = ("refuse", "退件", "Refuse")
    request_extension = ("request_extension", "申请延期", "Request extension")
    approve_extension = ("approve_extension", "同意延期", "Approve extension")
    deny_extension = ("deny_extension", "驳回延期", "Deny extension")
    park = ("park", "挂账", "Park")
    resume = ("resume", "恢复", "Resume")
    report_done = ("report_done", "反馈办结", "Report done")
    verify_ok = ("verify_ok", "核查通过", "Verified fixed")
    verify_fail = ("verify_fail", "核查不通过", "Not fixed")
    close = ("close", "结案", "Close")
    escalate = ("escalate", "升级", "Escalate")


ALL_ENUMS: tuple[type[LabeledEnum], ...] = tuple(
    obj for obj in list(globals().values())
    if isinstance(obj, type) and issubclass(obj, LabeledEnum) and obj is not LabeledEnum
)
"""Every labelled enum of the domain, e.g. for exporting code tables."""
