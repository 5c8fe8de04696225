"""Register values as district rosters write them (DOMAIN.md "Values as people write them").

与户主关系 by GB/T 4761-2008 names and codes or by the 7th census form's (R601) one-digit
codes, 子女 / 父母 resolved by the person's gender; 民族 by GB 3304 name or code; phone
cells with spaces, an extension, a local number without its area code, or two numbers.
Each parser returns the value or raises ValidationError whose message names what was
read, so an import can report the cell and keep the person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from gridworker.domain.enums import Gender, Relationship
from gridworker.domain.errors import ValidationError
from gridworker.domain.validation import validate_phone


class RelationshipCodes(StrEnum):
    """Which table a bare one-digit 与户主关系 code comes from (they differ from 2 on)."""

    gbt = "gbt"  # GB/T 4761-2008 one-digit classes: 2 子, 3 女, 4 孙辈, 5 父母 …
    census = "census"  # 7th census R601: 2 子女, 3 父母, 4 岳父母或公婆, 5 祖父母 …


# Resolved by gender: a child or a parent the code does not say the sex of.
_CHILD, _PARENT = "child", "parent"
_R = Relationship

# GB/T 4761-2008 two-digit codes. Siblings' and grandchildren's spouses (72 嫂, 45 孙媳妇 …)
# are other relatives here: the register's short list has no class for them.
GBT_4761: dict[str, Relationship | str] = {
    "01": _R.head, "02": _R.head,
    "10": _R.spouse, "11": _R.spouse, "12": _R.spouse,
    **dict.fromkeys(["20", "21", "22", "23", "24", "25", "26", "27", "29"], _R.son),
    "28": _R.child_in_law,
    **dict.fromkeys(["30", "31", "32", "33", "34", "35", "36", "37", "39"], _R.daughter),
    "38": _R.child_in_law,
    **dict.fromkeys(["40", "41", "42", "43", "44", "47", "48", "49"], _R.grandchild),
    "45": _R.other_relative, "46": _R.other_relative,
    "50": _PARENT, "51": _R.father, "52": _R.mother,
    **dict.fromkeys(["53", "54", "55", "56"], _R.parent_in_law),
    "57": _R.father, "58": _R.mother, "59": _R.other_relative,
    **dict.fromkeys(["60", "61", "62", "63", "64", "69"], _R.grandparent),
    **dict.fromkeys(["65", "66", "67", "68"], _R.other_relative),
    **dict.fromkeys(["70", "71", "73", "75", "77", "79"], _R.sibling),
    **dict.fromkeys(["72", "74", "76", "78"], _R.other_relative),
    "80": _R.other,
    **{str(n): _R.other_relative for n in range(81, 98)},
    "99": _R.non_relative,
}
GBT_4761_CLASSES: dict[str, Relationship | str] = {
    "0": _R.head, "1": _R.spouse, "2": _R.son, "3": _R.daughter, "4": _R.grandchild,
    "5": _PARENT, "6": _R.grandparent, "7": _R.sibling, "8": _R.other,
}
CENSUS_R601: dict[str, Relationship | str] = {
    "0": _R.head, "1": _R.spouse, "2": _CHILD, "3": _PARENT, "4": _R.parent_in_law,
    "5": _R.grandparent, "6": _R.child_in_law, "7": _R.grandchild, "8": _R.sibling,
    "9": _R.other,
}
# Words that name a child or a parent without the sex (census labels and everyday ones).
_BY_GENDER_WORDS: dict[str, str] = {
    **dict.fromkeys(["子女", "儿女", "孩子", "小孩", "养子女", "继子女", "child"], _CHILD),
    **dict.fromkeys(["父母", "父亲或母亲", "parent"], _PARENT),
}
# 长子, 次女, 三子, 四女 … (ordinals GB/T 4761 lists up to 五, people go further)
_ORDINAL_CHILD = re.compile(r"^(长|次|[三四五六七八九十]|老[大二三四五六七八九])(子|女)$")


def _code_text(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip()
    # A code typed into Excel comes back as 2.0 or "02".
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text


def _by_gender(kind: str, gender: Gender | None, text: str) -> Relationship:
    if gender is Gender.male:
        return _R.son if kind == _CHILD else _R.father
    if gender is Gender.female:
        return _R.daughter if kind == _CHILD else _R.mother
    what = ("子或女", "son or daughter") if kind == _CHILD else ("父亲或母亲", "father or mother")
    raise ValidationError(
        "relationship_needs_gender",
        field="relationship",
        zh=f"与户主关系“{text}”要按性别分为{what[0]}，但没有身份证号码或性别",
        en=f"relationship “{text}” needs the gender ({what[1]}), and there is no ID number "
        "or gender",
    )


def parse_relationship(
    value: str, *, gender: Gender | None = None, codes: RelationshipCodes | None = None
) -> Relationship:
    """与户主关系 from a name (户主, 岳母, 租户, 长子 …), a GB/T 4761 two-digit code, or a
    one-digit code of the table ``codes`` names. 子女 and 父母 take ``gender`` (from the ID
    number). A one-digit code from 2 up means different things in GB/T 4761 and the census
    form, so without ``codes`` it is refused with a hint rather than guessed."""
    text = _code_text(value)
    if not text:
        raise ValidationError("required", field="relationship")
    kind: Relationship | str | None = None
    if text.isdigit():
        if len(text) == 2:
            kind = GBT_4761.get(text)
        elif len(text) == 1:
            if codes is RelationshipCodes.census:
                kind = CENSUS_R601.get(text)
            elif codes is RelationshipCodes.gbt:
                kind = GBT_4761_CLASSES.get(text)
            elif text in ("0", "1"):  # the same in both tables
                kind = CENSUS_R601[text]
            else:
                raise ValidationError(
                    "relationship_code_ambiguous",
                    field="relationship",
                    zh=f"与户主关系代码“{text}”在 GB/T 4761 与第七次人口普查表中含义不同："
                    "请指明代码表（命令行 --relationship-codes gbt 或 census）",
                    en=f"relationship code “{text}” means different things in GB/T 4761 and "
                    "the census form: say which (--relationship-codes gbt or census)",
                )
    else:
        kind = _BY_GENDER_WORDS.get(text.casefold())
        if kind is None:
            match = _ORDINAL_CHILD.match(text)
            if match:
                kind = _R.son if match.group(2) == "子" else _R.daughter
        if kind is None:
            try:
                kind = Relationship.parse(text)
            except ValueError:
                kind = None
    if kind is None:
        raise ValidationError(
            "relationship_unknown",
            field="relationship",
            zh=f"与户主关系“{text}”无法识别（可写户主、配偶、子、女、子女、父亲、岳母、孙子女、"
            "兄弟姐妹、其他亲属、租户等，或 GB/T 4761 代码）",
            en=f"relationship “{text}” is not recognised (write e.g. 户主, 配偶, 子女, 岳母, 租户, "
            "or a GB/T 4761 code)",
        )
    if isinstance(kind, Relationship):
        return kind
    return _by_gender(kind, gender, text)


# --- 民族 (GB 3304-1991) -------------------------------------------------------------------

ETHNICITIES: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
    "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
    "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
    "基诺族",
)
"""The 56 nationalities in GB 3304 order: the code is the position, 01 汉族 … 56 基诺族."""
_ETHNICITY_EXTRA = {"97": "其他", "98": "外国血统中国籍人士", "其他": "其他"}


def parse_ethnicity(value: str) -> str:
    """民族 as the register keeps it: the full GB 3304 name (汉 → 汉族, 01 → 汉族)."""
    text = _code_text(value)
    if text.isdigit() and 1 <= int(text) <= len(ETHNICITIES):
        return ETHNICITIES[int(text) - 1]
    if text in _ETHNICITY_EXTRA:
        return _ETHNICITY_EXTRA[text]
    if text in ETHNICITIES:
        return text
    if text + "族" in ETHNICITIES:
        return text + "族"
    raise ValidationError(
        "ethnicity_unknown",
        field="ethnicity",
        zh=f"民族“{text}”不是 GB 3304 的民族名称或代码",
        en=f"ethnicity “{text}” is not a GB 3304 name or code",
    )


# --- phones ------------------------------------------------------------------------------

DEFAULT_AREA_CODE = "0799"  # Pingxiang: the demo district's (default) area code
_SEPARATORS = re.compile(r"[、,，;；/／|｜\n]+|\s+或\s*|\s{2,}")


@dataclass(frozen=True)
class PhoneCell:
    """A roster's phone cell: the first number, any further ones, what was assumed."""

    numbers: tuple[str, ...]
    area_code_added: bool = False


def _one_phone(part: str, area_code: str | None) -> tuple[str, bool]:
    try:
        return validate_phone(part), False
    except ValidationError:
        pass
    # A local number written without its area code: 6881234, 688-1234, 6881234 转 12.
    text = unicodedata.normalize("NFKC", part).strip()
    if area_code and re.match(r"^[2-9]", text):
        return validate_phone(f"{area_code}-{text}"), True
    raise ValidationError("phone_format", field="phone")


def parse_phone_cell(value: str, *, area_code: str | None = DEFAULT_AREA_CODE) -> PhoneCell:
    """Every number in one roster cell: mobiles with spaces or +86 (``138 0799 1234``),
    landlines with an extension (``0799 6881234 转 8001`` → ``0799-6881234-8001``), local
    numbers given the district's ``area_code``, several numbers separated by 、 , ; / or 或.
    Raises ValidationError (phone_format, naming the part) if any part is not a number."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    parts = [p.strip() for p in _SEPARATORS.split(text) if p and p.strip()]
    if len(parts) == 1 and " " in parts[0]:
        parts = _split_on_spaces(parts[0], area_code)
    numbers: list[str] = []
    added = False
    for part in parts:
        try:
            number, assumed = _one_phone(part, area_code)
        except ValidationError:
            raise ValidationError(
                "phone_format",
                field="phone",
                zh=f"电话“{part}”格式不正确（手机11位；座机如0799-6881234，分机写“转8001”）",
                en=f"phone “{part}” is not valid (mobile: 11 digits; landline like "
                "0799-6881234, extension as 转8001)",
            ) from None
        added = added or assumed
        if number not in numbers:
            numbers.append(number)
    if not numbers:
        raise ValidationError("required", field="phone")
    return PhoneCell(tuple(numbers), added)


def _split_on_spaces(text: str, area_code: str | None) -> list[str]:
    """``13807991234 13907991234``: two numbers with one space between; but ``138 0799
    1234`` is one. Groups of tokens are joined, longest first, while they make a number."""
    tokens = text.split()
    out: list[str] = []
    start = 0
    while start < len(tokens):
        for end in range(len(tokens), start, -1):
            candidate = " ".join(tokens[start:end])
            try:
                _one_phone(candidate, area_code)
            except ValidationError:
                if end - start == 1:
                    out.append(candidate)
                    start = end
                    break
                continue
            out.append(candidate)
            start = end
            break
    return out
