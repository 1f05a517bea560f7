"""``gkscore rules diff`` output: a terminal table, Markdown or JSON."""

from __future__ import annotations

import json
from typing import IO

from .diff import Change

KIND_WORDS = {
    "added": "新增", "removed": "删除", "moved": "移动", "renamed": "改名", "text": "细则", "description": "说明",
    "max": "分值", "points": "分值", "clause": "条款", "cap": "上限", "threshold": "门槛", "condition": "条件",
    "fields": "观测项", "start": "起算", "file": "文件", "section": "类型",
}
LEVEL_WORDS = {"file": "文件", "section": "一级指标", "group": "二级指标", "item": "指标项"}


def summary(old_path: str, new_path: str, changes: list[Change]) -> str:
    if not changes:
        return f"{old_path} 与 {new_path}:指标、分值和计分条款均相同。"
    return f"{old_path} → {new_path}:共 {len(changes)} 处变化。"


def write_json(out: IO[str], old_path: str, new_path: str, changes: list[Change]) -> None:
    doc = {"format": "gkscore-rules-diff/1", "old": old_path, "new": new_path, "equal": not changes,
           "changes": [c.as_dict() for c in changes]}
    out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def _md_cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", "<br>")


def write_md(out: IO[str], old_path: str, new_path: str, changes: list[Change]) -> None:
    out.write(f"# 规则变化\n\n{summary(old_path, new_path, changes)}\n\n")
    if not changes:
        return
    out.write("| 变化 | 层级 | 位置 | 编号 | 内容 |\n|---|---|---|---|---|\n")
    for c in changes:
        out.write(f"| {KIND_WORDS.get(c.kind, c.kind)} | {LEVEL_WORDS[c.level]} | {_md_cell(c.path)} | {_md_cell(c.id)} | {_md_cell(c.what)} |\n")


def print_table(old_path: str, new_path: str, changes: list[Change]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False)
    console.print(Text(summary(old_path, new_path, changes)))
    if not changes:
        return
    table = Table(box=box.SIMPLE_HEAD, show_lines=False)
    for name in ("变化", "位置", "编号", "内容"):
        table.add_column(name, overflow="fold")
    for c in changes:
        # Text, not markup: a rule's words may hold [brackets] rich would read as styles
        table.add_row(*(Text(t) for t in (KIND_WORDS.get(c.kind, c.kind), c.path or LEVEL_WORDS[c.level], c.id, c.what)))
    console.print(table)
