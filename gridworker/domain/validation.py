"""Validation and normalisation of ID numbers, phone numbers, codes and names.

Each ``validate_*`` returns the normalised value or raises ValidationError with a
specific code, so an import can report row by row what is wrong.
"""

from __future__ import annotations

import operator
import re
import types
import typing
import unicodedata
from dataclasses import MISSING, dataclass, fields, replace
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from gridworker.domain.declare import Check, field_decls
from gridworker.domain.enums import Gender, LabeledEnum
from gridworker.domain.errors import ValidationError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_D = TypeVar("_D", bound="DataclassInstance")

# GB/T 2260 province-level codes. 83 is not a province: it prefixes the residence
# permits of Taiwan residents, which grid workers do register (81/82 likewise for
# Hong Kong and Macao; 71 is reserved for Taiwan itself).
PROVINCE_CODES: frozenset[str] = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_WEIGHT_OF_ZEROS = 48 * sum(_ID_WEIGHTS)
_EARLIEST_BIRTH = date(1890, 1, 1)
_ID_PATTERN = re.compile(r"\d{17}[\dX]")
_SPACES = re.compile(r"\s+")

_MOBILE = re.compile(r"1[3-9]\d{9}")
# After the trunk 0: Beijing 10 and 20–29 are two-digit area codes, all others three.
_LANDLINE = re.compile(r"0(?:(10|2\d)|([3-9]\d{2}))([1-9]\d{6,7})")
_PHONE_NOISE = re.compile(r"[\s\-()（）]+")

MAX_NAME_LENGTH = 50


def _nfkc(value: str) -> str:
    # Full-width digits and letters (１２３, Ｘ) come in from Chinese input methods.
    return unicodedata.normalize("NFKC", value)


def fold_key(value: str) -> str:
    """Natural-key text (户号, ID numbers, grid codes: fields declared `key`) as people mean
    it (docs/design.md §4): full-width and half-width forms are one (NFKC: `１０１` is `101`),
    and surrounding spaces go. The same folding as ID numbers get, so two laptops typing
    one 户号 differently derive one id."""
    return _nfkc(value).strip()


def normalise_text(value: str) -> str:
    """Names, addresses and notes in one Unicode form (NFC) and trimmed, so that the same
    text typed on two laptops (composed or not) is equal and never conflicts with itself."""
    return unicodedata.normalize("NFC", value).strip()


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValidationError("id_format", field="id_number")
    # ASCII digits as their byte values: one sum, no int() per digit (ord("0") is 48).
    total = sum(map(operator.mul, first17.encode(), _ID_WEIGHTS)) - _ID_WEIGHT_OF_ZEROS
    return _ID_CHECK_CHARS[total % 11]


def _birth_date_of(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def validate_id_number(
    value: str, *, field: str = "id_number", today: date | None = None
) -> str:
    """Validate a GB 11643-1999 18-character citizen ID number and return it normalised.

    Spaces are removed, full-width characters folded and a final x upper-cased.
    Codes: id_length, id_format, id_region, id_birth_date, id_checksum. The
    region and birth date are checked before the check digit because a typo
    there is then reported precisely.
    """
    number = _SPACES.sub("", _nfkc(value)).upper()
    if len(number) != 18:
        raise ValidationError("id_length", field=field, length=len(number))
    if not number.isascii() or not _ID_PATTERN.fullmatch(number):
        raise ValidationError("id_format", field=field)
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError("id_region", field=field)
    born = _birth_date_of(number)
    limit = today if today is not None else date.today()
    if born is None or born < _EARLIEST_BIRTH or born > limit:
        raise ValidationError("id_birth_date", field=field)
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError("id_checksum", field=field)
    return number


def id_birth_date(value: str) -> date:
    """Birth date encoded in an 18-character ID number (digits 7–14)."""
    number = _SPACES.sub("", _nfkc(value)).upper()
    born = _birth_date_of(number) if len(number) == 18 and number[:14].isdigit() else None
    if born is None:
        raise ValidationError("id_birth_date", field="id_number")
    return born


def id_facts(number: str) -> tuple[Gender, date]:
    """Gender and birth date of a number `validate_id_number` returned (not folded again)."""
    born = _birth_date_of(number)
    if born is None:  # not a valid number: validate_id_number refuses it
        raise ValidationError("id_birth_date", field="id_number")
    return (Gender.male if int(number[16]) % 2 == 1 else Gender.female), born


def id_gender(value: str) -> Gender:
    """Gender encoded in an ID number: the 17th digit is odd for men, even for women."""
    number = _SPACES.sub("", _nfkc(value))
    if len(number) != 18 or not number[16].isdigit():
        raise ValidationError("id_format", field="id_number")
    return Gender.male if int(number[16]) % 2 == 1 else Gender.female


def validate_phone(value: str, *, field: str = "phone") -> str:
    """Validate a mainland mobile or landline number and return it normalised.

    Mobile: 11 digits starting 13–19, with an optional +86/0086/86 prefix; returned
    as 11 digits. Landline: trunk 0, area code, 7–8 digit local number (an
    international +86 prefix drops the trunk 0); returned as "0797-1234567", with an
    extension (转 8001, 分机8001, ext 8001, or a third dash group) as "0797-1234567-8001".
    Spaces, dashes and brackets are ignored. Code: phone_format.
    """
    try:
        return _validate_phone(value, field)
    except ValidationError:
        match = _EXTENSION.match(_nfkc(value).strip())
        if match is None:
            raise
        main = _validate_phone(match.group("main"), field)
        if "-" not in main:  # a mobile has no extension
            raise
        return f"{main}-{match.group('ext')}"


_EXTENSION = re.compile(
    r"^(?P<main>.+?)\s*(?:转|轉|分机|分機|ext\.?|x|#|-)\s*(?P<ext>\d{1,6})$", re.IGNORECASE
)


def _validate_phone(value: str, field: str) -> str:
    digits = _PHONE_NOISE.sub("", _nfkc(value))
    international = False
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
            international = True
            break
    else:
        if len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
            digits = digits[2:]
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError("phone_format", field=field)
    if _MOBILE.fullmatch(digits):
        return digits
    if international and not digits.startswith("0"):
        digits = "0" + digits
    match = _LANDLINE.fullmatch(digits)
    if match is None:
        raise ValidationError("phone_format", field=field)
    area = "0" + (match.group(1) or match.group(2))
    return f"{area}-{match.group(3)}"


def _digits(value: str) -> str:
    return _SPACES.sub("", _nfkc(value))


def _check_parts(code: str, error: str, field: str) -> None:
    """Street 001–599, community and grid parts non-zero, province real."""
    if code[:2] not in PROVINCE_CODES or code[2:6] == "0000":
        raise ValidationError(error, field=field)
    # 001–099 streets, 100–199 towns, 200–399 townships, 400–599 development zones, farms
    # and other 管委会-type units (the statistics bureau's division codes use them all).
    if len(code) >= 9 and not 1 <= int(code[6:9]) <= 599:
        raise ValidationError(error, field=field)
    if len(code) >= 12 and code[9:12] == "000":
        raise ValidationError(error, field=field)
    if len(code) >= 15 and code[12:15] == "000":
        raise ValidationError(error, field=field)


def validate_grid_code(value: str, *, field: str = "grid_code") -> str:
    """Validate a 15-digit grid code: county(6) + street/town(3) + community(3) + grid(3).

    Codes: grid_code_format (length or non-digits), grid_code_range (a part out of range).
    """
    code = _digits(value)
    if len(code) != 15 or not code.isascii() or not code.isdigit():
        raise ValidationError("grid_code_format", field=field)
    _check_parts(code, "grid_code_range", field)
    return code


def validate_region_code(value: str, *, field: str = "code") -> str:
    """Validate a 6 (county), 9 (street/town) or 12-digit (community) division code.

    Codes: region_code_format, region_code_range.
    """
    code = _digits(value)
    if len(code) not in (6, 9, 12) or not code.isascii() or not code.isdigit():
        raise ValidationError("region_code_format", field=field)
    _check_parts(code, "region_code_range", field)
    return code


def validate_name(value: str, *, field: str = "name", max_length: int = MAX_NAME_LENGTH) -> str:
    """Validate a person's or place's name: stripped, non-empty, ≤ max_length, printable.

    Codes: required, too_long, invalid_chars. Internal runs of spaces are
    collapsed (roster cells are often padded); the middle dot of minority names
    (阿依古丽·买买提) is kept.
    """
    name = unicodedata.normalize("NFC", value).strip()
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") for ch in name):
        raise ValidationError("invalid_chars", field=field)
    name = _SPACES.sub(" ", name)
    if not name:
        raise ValidationError("required", field=field)
    if len(name) > max_length:
        raise ValidationError("too_long", field=field, max=max_length)
    return name


def validate_text(
    value: str | None, *, field: str, required: bool = False, max_length: int | None = None
) -> str | None:
    """Strip free text; empty becomes None (or ``required`` if it must be present)."""
    text = value.strip() if value is not None else ""
    if not text:
        if required:
            raise ValidationError("required", field=field)
        return None
    if max_length is not None and len(text) > max_length:
        raise ValidationError("too_long", field=field, max=max_length)
    return text


@cache
def _enum_fields(cls: type[Any]) -> dict[str, type[LabeledEnum]]:
    """Fields annotated with a LabeledEnum (optionally ``| None``), by name."""
    found: dict[str, type[LabeledEnum]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        candidates = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, LabeledEnum):
                found[name] = candidate
    return found


# What `FieldRule.normalised` returns for a value its rule leaves as it is.
SAME: Any = object()


@dataclass(frozen=True, slots=True)
class FieldRule:
    """What `normalised_changes` checks of one field, worked out once per class."""

    name: str
    optional: bool  # defaults to None: empty text becomes None
    required: bool  # no default: None is an error
    enum: type[LabeledEnum] | None
    phone: bool
    key: bool  # a natural key: folded (fold_key), other text NFC (normalise_text)
    lo: float | None  # numbers: the declared range; without one, never negative
    hi: float | None

    def normalised(self, value: Any) -> Any:
        """The field's value as `normalise_record` leaves it: SAME when unchanged, else
        the new value; ValidationError when the value breaks the field's rule."""
        if isinstance(value, str) and not isinstance(value, LabeledEnum):
            text = value.strip()
            if self.enum is not None:
                if not text and self.optional:
                    return None
                try:
                    return self.enum.parse(value)
                except ValueError:
                    raise ValidationError("invalid_value", field=self.name, value=value) from None
            if not text:
                if not self.optional:
                    raise ValidationError("required", field=self.name)
                return None
            if self.phone:
                return validate_phone(text, field=self.name)
            folded = fold_key(text) if self.key else normalise_text(text)
            return SAME if folded == value else folded
        if value is None:
            if self.required:
                raise ValidationError("required", field=self.name)
        elif isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValidationError("naive_datetime", field=self.name)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if self.lo is None and self.hi is None:
                if value < 0:
                    raise ValidationError("negative", field=self.name)
            elif not (self.lo is None or self.lo <= value) or not (
                self.hi is None or value <= self.hi
            ):
                raise ValidationError("out_of_range", field=self.name)
        return SAME


@cache
def field_rules(cls: type[DataclassInstance]) -> tuple[FieldRule, ...]:
    """Each field's rule, as its declaration says (domain.declare)."""
    enums = _enum_fields(cls)
    declared = field_decls(cls)
    return tuple(
        FieldRule(
            f.name,
            optional=f.default is None,
            required=f.default is MISSING,
            enum=enums.get(f.name),
            phone=declared[f.name].spec.check is Check.phone,
            key=declared[f.name].spec.key,
            lo=declared[f.name].spec.lo,
            hi=declared[f.name].spec.hi,
        )
        for f in fields(cls)
    )


def normalised_changes(record: DataclassInstance) -> dict[str, Any]:
    """The fields `normalise_record` would change, with their new values (see there).
    For a caller that has changes of its own to make: one copy instead of two."""
    changes: dict[str, Any] = {}
    for rule in field_rules(type(record)):
        new = rule.normalised(getattr(record, rule.name))
        if new is not SAME:
            changes[rule.name] = new
    return changes


def normalise_record(record: _D) -> _D:
    """Checks and clean-ups that apply to every domain record (a dataclass instance).

    Text is stripped (empty optional text becomes None, empty required text is an
    error); codes and labels given as plain strings are parsed into their enums;
    timestamps must carry a time zone; counts and sizes cannot be negative;
    coordinates must be on the globe; phone numbers are normalised.
    """
    changes = normalised_changes(record)
    return replace(record, **changes) if changes else record
