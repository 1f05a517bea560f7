"""The units file (考评对象): the units an evaluation scores, their classes,
aliases and the answers to the rule files' unit fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, Optional, Union

from pydantic import BeforeValidator, ConfigDict, Field

from ..i18n import _
from .base import ClassName, Id, Strict, Text


def _attribute_value(value):
    # what a units file can say of a unit: yes/no, a number, a date or a
    # word; the rule file that tests it checks it against its unit field
    if value is None or isinstance(value, (list, dict)):
        raise ValueError(_("a unit attribute is one value: true/false, a number, a date or a word"))
    return value


AttributeValue = Annotated[Union[bool, int, Decimal, dt.date, str], BeforeValidator(_attribute_value)]


class Unit(Strict):
    name: Text
    cls: ClassName = Field(alias="class")
    aliases: list[Text] = Field(default_factory=list)
    attributes: dict[Id, AttributeValue] = Field(
        default_factory=dict,
        description="The unit's answers to unit fields (unit_fields of a rule file), e.g. {has_site: true}: given here, they are not asked in the template.",
    )
    note: Optional[Text] = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class UnitsFile(Strict):
    format: Literal["gkscore-units/1"]
    id: Id
    title: Optional[Text] = None
    classes: dict[ClassName, Text] = Field(min_length=1, description="Class id -> description.")
    units: list[Unit] = Field(min_length=1)
