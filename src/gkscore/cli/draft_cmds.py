"""draft, rules diff, compare: a new year's table and last year's results.

``gkscore rules`` becomes a group whose default is the existing tree
command, so ``gkscore rules FILE [--class C] [--format F]`` works exactly as
before and ``gkscore rules diff OLD NEW`` is added beside it.
"""

from __future__ import annotations


import click

from .common import CONTEXT_SETTINGS, debug_option, guarded
from .rules_cmds import rules_cmd

DEFAULT_RULES_COMMAND = "show"


def _output(output: str | None, inputs: list[str]):
    from ..fsutil import refuse_overwriting_inputs, text_output

    if output:
        refuse_overwriting_inputs(output, inputs)
    return text_output(output)


# ------------------------------------------------------------------ draft


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("table", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此规则文件(默认:输出到屏幕)。")
@click.option("--title", help="规则文件标题(默认:表格上方的标题)。")
@click.option("--year", type=click.IntRange(1990, 2100), help="考评年度(默认:从标题中的“2020年”读出);用于没写年份的日期。")
@click.option("--classes", help="各分值列的类别代号和名称,按列的顺序,如 county 或 A=开设网站的部门,B=未开设网站的部门。")
@click.option("--id", "rules_id", help="规则文件代号(小写字母、数字、. _ -;默认 draft-年度)。")
@click.option("--table", "table_name", help="文件中有几张指标表时选一张:Word 写第几张(1、2…),Excel 写工作表名。")
@debug_option
@guarded
def draft(table, output, title, year, classes, rules_id, table_name, debug):
    """从 Word(.docx) 或 Excel(.xlsx) 指标表起草规则文件。

    读取一级指标、二级指标、指标说明、评分细则和分值列(合并单元格按原表理解),把常见写法(得N分、每发现1个扣N分、扣完为止、随机抽查N个…每少一个扣N分、X月X日前、不低于N%…)写成计分条款;读不准的项写成评定项并加“待核”说明。

    起草结果一定能通过 gkscore validate;用 gkscore lint 逐条列出待核之处。详见 docs/draft.md。
    """
    from ..draft import draft_table

    result = draft_table(table, title=title, year=year, classes=classes, rules_id=rules_id, table=table_name)
    with _output(output, [table]) as out:
        out.write(result.yaml_text)
    s = result.stats
    where = output or "屏幕"
    pending = s.items - s.recognised
    click.echo(
        f"已起草 {where}({result.table_name}):共 {s.items} 项,{s.recognised} 项已识别为计分条款,"
        f"{pending} 项待核;待核之处共 {len(s.checks)} 处。",
        err=True,
    )
    if output:
        click.echo(f"下一步:gkscore lint {output}  逐条列出待核之处;gkscore rules {output}  核对各项分值。", err=True)
    return 0


# -------------------------------------------------------------- rules diff


@click.command(name="diff", context_settings=CONTEXT_SETTINGS)
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table", show_default=True, help="输出格式。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件(json、md)。")
@debug_option
@guarded
def rules_diff(old, new, fmt, output, debug):
    """比较两个规则文件:新增、删除、移动、改名的指标,各类分值的变化,条款的分数(扣0.2分 → 扣0.5分)、上限和门槛的变化。

    两个文件相同时退出码为 0,不同为 1(可用于持续集成检查)。
    """
    from ..problems import Problem, ProblemsError
    from ..rules.diff import diff_rules
    from ..rules.diff_report import print_table, write_json, write_md
    from ..rules.load import load_rules

    loaded, problems = [], []
    for path in (old, new):
        try:
            loaded.append(load_rules(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
            code = exc.exit_code
    if problems:
        raise ProblemsError(problems, exit_code=code)
    changes = diff_rules(loaded[0].ruleset, loaded[1].ruleset)
    if fmt == "table":
        if output:
            raise ProblemsError([Problem(file=output, code="usage", message="表格格式只输出到屏幕;写文件请用 --format md 或 json")], exit_code=2)
        print_table(old, new, changes)
    else:
        with _output(output, [old, new]) as out:
            (write_json if fmt == "json" else write_md)(out, old, new, changes)
    return 1 if changes else 0


class RulesGroup(click.Group):
    """A group whose first argument, when it is not a subcommand, goes to the
    default command: ``rules FILE`` is ``rules show FILE``."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = [DEFAULT_RULES_COMMAND, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, "FILE [--class C] [--format table|json]")
        formatter.write_usage(ctx.command_path, "diff OLD NEW [--format table|json|md]", prefix="       ")


@click.group(name="rules", cls=RulesGroup, context_settings=CONTEXT_SETTINGS)
def rules_group():
    """Show the resolved indicator tree of FILE with the maximum per class
    (gkscore rules FILE [--class C] [--format table|json]), or compare two
    rule files (gkscore rules diff OLD NEW).

    显示规则文件的指标树和各类分值;rules diff 比较两个规则文件。
    """


rules_group.add_command(rules_cmd, DEFAULT_RULES_COMMAND)
rules_group.add_command(rules_diff)


# ---------------------------------------------------------------- compare


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("last", type=click.Path(dir_okay=False))
@click.argument("this", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "xlsx", "md"]), help="输出格式(默认:按 -o 的扩展名,否则 table)。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件(xlsx 必须给出)。")
@click.option("--units", type=click.Path(dir_okay=False), help="单位文件,用其中的别名匹配改过名的单位(默认:内置的黄冈单位)。")
@click.option("--last-name", default="上年", show_default=True, help="LAST 在表头中的称呼,如 2020年。")
@click.option("--this-name", default="本年", show_default=True, help="THIS 在表头中的称呼,如 2021年。")
@debug_option
@guarded
def compare(last, this, fmt, output, units, last_name, this_name, debug):
    """比较两年的考评结果(gkscore score --format json 的输出)。

    按单位名称和别名配对,逐个排名组别列出名次变化(↑3、↓1、新增、未参评)、总分增减,以及各一级指标得分率的变化(比较得分率而不是分数,因为两年的分值可能不同)。
    """
    from ..compare.core import aliases_from_units, compare_results, load_results
    from ..compare.report import print_table, write_md, write_xlsx
    from ..pipeline import load_units_option
    from ..problems import Problem, ProblemsError

    if fmt is None:
        fmt = "xlsx" if output and output.lower().endswith(".xlsx") else "md" if output and output.lower().endswith((".md", ".markdown")) else "table"
    if fmt == "xlsx" and not output:
        raise ProblemsError([Problem(file="-o", code="usage", message="xlsx 格式需要用 -o 指定输出文件")], exit_code=2)
    docs, problems, code = [], [], 1
    for path in (last, this):
        try:
            docs.append(load_results(path))
        except ProblemsError as exc:
            problems.extend(exc.problems)
            code = max(code, exc.exit_code)
    if problems:
        raise ProblemsError(problems, exit_code=code)
    aliases = aliases_from_units(load_units_option(units).units)
    result = compare_results(docs[0], docs[1], aliases, last_name=last_name, this_name=this_name)
    if fmt == "xlsx":
        from ..fsutil import refuse_overwriting_inputs

        refuse_overwriting_inputs(output, [last, this])
        write_xlsx(output, result)
        click.echo(f"已写入 {output}", err=True)
    elif fmt == "md":
        with _output(output, [last, this]) as out:
            write_md(out, result)
    else:
        if output:
            raise ProblemsError([Problem(file=output, code="usage", message="表格格式只输出到屏幕;写文件请用 --format md 或 xlsx")], exit_code=2)
        print_table(result)
    return 0


COMMANDS = [draft, rules_group, compare]
