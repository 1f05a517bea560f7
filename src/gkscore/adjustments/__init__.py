"""Review and appeals (复核): corrections to observations, with their reasons.

An adjustments file is YAML::

    format: gkscore-adjustments/1
    adjustments:
      - unit: 市教育局
        item: jdjc.jctb
        field: city
        value: 0
        reason: 市级通报已撤销
        approved_by: 张三
        date: 2021-02-03

a csv, or the xlsx form ``gkscore template RULES --adjustments`` writes,
whose header names the columns in Chinese or English (单位, 指标, 观测项, 值,
理由, 批准人, 日期 or unit, item, field, value, reason, approved_by, date).
An indicator is named by its number or its name, an observation item by its
id or its question (``names``).  Without the file nothing changes.

``read`` reads the rows, ``apply`` checks and applies them, ``effect`` says
what they changed (each adjusted unit's total and rank before and after,
and the adjustments that change nothing), ``form`` writes the form.
"""

from .apply import Adjustment, load_adjustments
from .columns import KEYS as COLUMNS

__all__ = ["Adjustment", "COLUMNS", "load_adjustments"]
