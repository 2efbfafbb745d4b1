"""What is wrong with a form's fields, told as people read it: “办理结果”为必填项 / “Outcome” is required.

The engine tells each failure by the form keyword it breaks and that keyword's value (``engine.errors.FieldError``);
here it is phrased with the field's title from the form (``title``, and ``x-title-en`` for English), or its
name where the form gives none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from engine.errors import FieldError

from .i18n import language
from .messages import CJK

MAX_CHOICES_LISTED = 10  # a longer list (the departments) is not spelled out in a message
TYPES = {"string": ("文本", "text"), "integer": ("整数", "a whole number"), "number": ("数字", "a number"),
         "boolean": ("是或否（true/false）", "true or false"), "array": ("列表", "a list"),
         "object": ("对象", "an object"), "null": ("空值（null）", "null")}
FORMATS = {"date": ("日期", "date"), "date-time": ("日期时间", "date-time"), "time": ("时间", "time"),
           "email": ("电子邮件地址", "e-mail address"), "uri": ("网址", "URI"),
           "regex": ("正则表达式", "regular expression")}
RULES = {  # keyword: (Chinese, English); {name} is the field's title, {n} the keyword's value in the form
    "required": ("{name}为必填项", "{name} is required"),
    "additionalProperties": ("表单中没有{name}这一项", "the form has no field {name}"),
    "type": ("{name}须为{n}", "{name} must be {n}"),
    "enum": ("{name}须为以下之一：{n}", "{name} must be one of: {n}"),
    "const": ("{name}须为 {n}", "{name} must be {n}"),
    "minLength": ("{name}至少 {n} 个字", "{name} must be at least {n} characters long"),
    "maxLength": ("{name}最多 {n} 个字", "{name} must be at most {n} characters long"),
    "minimum": ("{name}不能小于 {n}", "{name} must be at least {n}"),
    "maximum": ("{name}不能大于 {n}", "{name} must be at most {n}"),
    "exclusiveMinimum": ("{name}须大于 {n}", "{name} must be greater than {n}"),
    "exclusiveMaximum": ("{name}须小于 {n}", "{name} must be less than {n}"),
    "multipleOf": ("{name}须为 {n} 的倍数", "{name} must be a multiple of {n}"),
    "pattern": ("{name}的格式不正确", "{name} is not in the expected format"),
    "format": ("{name}不是有效的{n}", "{name} is not a valid {n}"),
    "minItems": ("{name}至少要有 {n} 项", "{name} needs at least {n} item(s)"),
    "maxItems": ("{name}最多 {n} 项", "{name} takes at most {n} item(s)"),
    "uniqueItems": ("{name}不能有重复项", "{name} must not repeat an item"),
}
EMPTY = {"minLength": ("{name}不能为空", "{name} must not be empty"),
         "minItems": ("{name}至少要选一项", "{name} needs at least one item")}
"""How a minimum of one reads better."""
FALLBACK = ("{name}不符合表单要求（{rule}）", "{name}: {message}")
ANY_OF = ("{name}不是可选的值之一", "{name} is not one of the allowed values")


def field_errors(failures: Iterable[FieldError], lang: str | None = None) -> dict[str, list[str]]:
    """Each failing field's messages, in the reader's language (``lang``, or the request's)."""
    english = (lang or language()) == "en"
    found: dict[str, list[str]] = {}
    for failure in failures:
        found.setdefault(failure.field, []).append(_sentence(failure, english))
    return found


def _sentence(failure: FieldError, english: bool) -> str:
    rule = failure.rule
    templates = EMPTY.get(rule) if failure.expected == 1 else None
    templates = templates or RULES.get(rule, FALLBACK)
    if rule == "enum" and len(failure.expected) > MAX_CHOICES_LISTED:
        templates = ANY_OF
    return templates[english].format(name=_title(failure, english), n=_expected(failure, english), rule=rule,
                                     message=failure.message)


def _title(failure: FieldError, english: bool) -> str:
    """The field as its form titles it, in quotes; an item of a list by the list's title and its place."""
    steps = failure.field.split(".")
    schemas = [*failure.along[:-1], failure.schema]
    places: list[str] = []
    # from the field outwards, past list items (a name with a dot in it has more steps than schemas)
    for step, schema in zip(reversed(steps), reversed(schemas), strict=False):
        title = _titled(schema, english)
        if title:
            return f"“{title}”" + "".join(places)
        if not step.isdigit():
            break
        places.insert(0, f" item {int(step) + 1}" if english else f"第 {int(step) + 1} 项")
    return f"“{steps[-1]}”"


def _titled(schema: Mapping[str, Any], english: bool) -> str | None:
    """A schema's title for the reader: in English its English title, or its title if that has no Chinese."""
    titles = [schema.get("x-title-en"), schema.get("title")] if english else [schema.get("title")]
    return next((t for t in titles if isinstance(t, str) and t and not (english and CJK.search(t))), None)


def _expected(failure: FieldError, english: bool) -> str:
    """The keyword's value as a reader wants it: the type in words, the choices by their titles."""
    value = failure.expected
    if failure.rule == "type":
        types = value if isinstance(value, list) else [value]
        return (" or " if english else "或").join(TYPES.get(t, (t, t))[english] for t in types)
    if failure.rule == "format":
        return FORMATS.get(value, (value, value))[english]
    if failure.rule == "enum":
        return ("、" if not english else ", ").join(_choices(failure.schema, value, english))
    return _json(value)


def _choices(schema: dict[str, Any], values: list, english: bool) -> list[str]:
    """Choices by the titles the form gives them (``x-enum-titles``, Chinese), else as they are written."""
    declared, titles = schema.get("enum"), schema.get("x-enum-titles")
    if english or not isinstance(declared, list) or not isinstance(titles, list) or len(titles) != len(declared):
        return [_json(v) for v in values]
    return [str(titles[declared.index(v)]) if v in declared else _json(v) for v in values]


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
