"""The condition node types of the rule language, and ``Condition``: the
union a rule file's condition is validated into.

A node type is one module: its pydantic model with ``tag`` (the key that
marks it in a rule file) and the methods of ``ConditionNode`` (holds,
tests, describe, formula, check).  List it in ``NODE_TYPES``."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import BaseModel, Discriminator, Tag

from .calc import Calc
from .clause_ref import ClauseHolds
from .field_test import FieldTest
from .logic import AllOf, AnyOf, NotOf
from .node import ConditionNode

# In the order a mapping's keys are tried: a node's own key wins over "field".
NODE_TYPES: tuple[type[ConditionNode], ...] = (AllOf, AnyOf, NotOf, ClauseHolds, Calc, FieldTest)
# In the union's (and the JSON schema's) order.
_UNION_ORDER = (FieldTest, AllOf, AnyOf, NotOf, ClauseHolds, Calc)
_BY_TYPE = {t: t.tag for t in NODE_TYPES}


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for t in NODE_TYPES:
            if t.tag in value:
                return t.tag
        return None
    if isinstance(value, BaseModel):
        return _BY_TYPE.get(type(value))
    return None


_KEYS = ", ".join(t.shape for t in _UNION_ORDER)

Condition = Annotated[
    Union[tuple(Annotated[t, Tag(t.tag)] for t in _UNION_ORDER)],  # type: ignore[misc]
    Discriminator(_condition_tag, custom_error_type="condition", custom_error_message=f"a condition is one of {_KEYS}"),
]

for _t in (AllOf, AnyOf, NotOf):
    _t.model_rebuild(_types_namespace={"Condition": Condition})
