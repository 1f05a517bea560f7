"""The building blocks of the rule language's models: strict numbers, ids,
texts, per-class points, and the strict base every model derives from.

Kept apart from ``rules/model.py`` so that the modules of the clause kinds and
condition nodes (``engine/kinds``, ``engine/conditions``), which hold their
own models, can use them while ``rules/model.py`` assembles the tree from them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, WithJsonSchema

from ..i18n import _
from ..problems import quote


def _strict_number(value: Any) -> Any:
    # A number written as text ("2") is a typo waiting to happen in a rule
    # file: refuse it rather than coerce it.  Floats never reach here from
    # our YAML loader; refuse them anyway so an API caller cannot sneak
    # binary fractions in.
    if isinstance(value, bool):
        raise ValueError(_("expected a number, found {value}; write a number, not true or false").format(value=quote(value)))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_("expected a finite number, found {value}").format(value=quote(value)))
        return value
    if isinstance(value, str):
        raise ValueError(_("expected a number, found the text {value}; write the number without quotes").format(value=quote(value)))
    if value is None:
        raise ValueError(_("the value is empty; write a number"))
    raise ValueError(_("expected a number, found {value}").format(value=quote(value)))


def _strict_int(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        raise ValueError(_("expected a whole number, found {value}").format(value=quote(value)))
    return value


Num = Annotated[Decimal, BeforeValidator(_strict_number), WithJsonSchema({"type": "number"})]
NonNeg = Annotated[Decimal, BeforeValidator(_strict_number), Field(ge=0), WithJsonSchema({"type": "number", "minimum": 0})]
Whole = Annotated[int, BeforeValidator(_strict_int), WithJsonSchema({"type": "integer"})]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
ClassName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,32}$")]
Text = Annotated[str, Field(min_length=1, max_length=4000)]

# Points that may differ by class: a number for every class, or a mapping
# class -> number.  For item maxima, ``null`` in the mapping means "does not
# apply to this class" (blank cell in the annex), which is different from 0.
# A discriminator on the value's shape tries only the matching member, so a
# mistyped value (points: "2") is reported once, in the user's words; the
# JSON schema is pinned to what plain unions export.


def _per_class_tag(value: Any) -> str:
    return "map" if isinstance(value, dict) else "number"


_NUMBER_SCHEMA = {"minimum": 0, "type": "number"}
_CLASS_KEY = r"^[A-Za-z0-9_]{1,32}$"

PerClass = Annotated[
    Union[Annotated[NonNeg, Tag("number")], Annotated[dict[ClassName, NonNeg], Tag("map")]],
    Discriminator(_per_class_tag),
    WithJsonSchema({"anyOf": [_NUMBER_SCHEMA, {"patternProperties": {_CLASS_KEY: _NUMBER_SCHEMA}, "type": "object"}]}),
]
PerClassMax = Annotated[
    Union[Annotated[NonNeg, Tag("number")], Annotated[dict[ClassName, Optional[NonNeg]], Tag("map")]],
    Discriminator(_per_class_tag),
    WithJsonSchema(
        {
            "anyOf": [
                _NUMBER_SCHEMA,
                {"patternProperties": {_CLASS_KEY: {"anyOf": [_NUMBER_SCHEMA, {"type": "null"}]}}, "type": "object"},
            ]
        }
    ),
]


class Strict(BaseModel):
    """Unknown keys are errors; a loaded rule file never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def per_class(value, cls: str) -> Decimal | None:
    """The value of a PerClass/PerClassMax for one class (None: not given / not applicable)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get(cls)
    return value
