"""One cell of an import file to a value, or a reason it cannot be one.

A CSV cell arrives as text; an XLSX cell as openpyxl gives it (text, int, float, datetime,
bool). Numbers must be unambiguous: "1,234" may be a thousand and more or one and a bit,
so thousands separators and decimal commas are refused, never guessed. A text that a
spreadsheet would run as a formula (=, +, -, @ first) is refused unless written with the
leading apostrophe that exports add (`neutralise`), which is then dropped.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Full-width digits, signs and points, as Chinese input methods type them.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TRUE = {"true", "yes", "1", "是", "y"}
_FALSE = {"false", "no", "0", "否", "n", ""}


class CellError(ValueError):
    """The cell's content cannot be read as the column's kind; the message says why."""


def neutralise(text: str) -> str:
    """A cell text safe to open in a spreadsheet: one that would run as a formula gets a
    leading apostrophe. Plain numbers (-0.5) are not formulas and stay as they are."""
    # A text already written with such apostrophes ('=x) gets one more, since reading drops one.
    if text.lstrip("'").startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value) -> bool:
    return _text(value) == ""


def read_text(value) -> str:
    text = _text(value)
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    _refuse_formula(text)
    return text


def _refuse_formula(text: str) -> None:
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        raise CellError(_("内容以 %(char)s 开头，会被电子表格当作公式执行；"
                          "如确为文本，请在前面加英文单引号 '。")
                        % {"char": repr(text[0])})


def read_decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        raise CellError(_("应为数字，而不是真假值。"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # The shortest text that reads back as the same float: what the spreadsheet showed.
        return Decimal(repr(value))
    written = _text(value)
    if written.isascii() and _PLAIN_NUMBER.match(written):
        return Decimal(written)  # the common case, which the checks below would all let through
    text = written.translate(_FULL_WIDTH).strip()
    if text.startswith("'"):
        text = text[1:]
    if text == "":
        return None
    if "," in text:
        raise CellError(_("数字“%(text)s”含逗号：无法判断是千位分隔符还是小数点。"
                          "请只用英文句点作小数点，且不加千位分隔符。")
                        % {"text": written})
    _refuse_formula(text)
    if not _PLAIN_NUMBER.match(text):
        raise CellError(_("“%(text)s”不是数字（只接受如 0.5366、-1.2、3E-05 的写法，"
                          "不含空格、单位或千位分隔符）。")
                        % {"text": written})
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise CellError(_("“%(text)s”不是数字。") % {"text": text}) from exc
    if not number.is_finite():
        raise CellError(_("“%(text)s”不是有限数字。") % {"text": text})
    return number


def read_integer(value) -> int | None:
    number = read_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("应为整数，而不是 %(value)s。") % {"value": _text(value)})
    return int(number)


def read_boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("应为 true 或 false（是/否），而不是“%(text)s”。") % {"text": _text(value)})


def read_date(value) -> date | None:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise CellError(_("应为日期，而不是带时刻的 %(value)s。") % {"value": value.isoformat()})
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("日期须写成 YYYY-MM-DD，或在 Excel 中设为日期格式，而不是数字 %(value)s。")
                        % {"value": _text(value)})
    text = _text(value).translate(_FULL_WIDTH)
    if text == "":
        return None
    _refuse_formula(text)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise CellError(_("“%(text)s”不是 YYYY-MM-DD 格式的日期。") % {"text": text})
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CellError(_("“%(text)s”不是有效日期（应为 YYYY-MM-DD）。") % {"text": text}) from exc

