"""What is wrong with a row, in words: the unit, its class, the item and
field, a value for an item that does not apply.  The same words serve the
reader (``check_rows.RowChecker``) and adjustments.  Messages name units,
indicators and classes as a person knows them (黄州区, 组织推进第2项, the
class's name) and suggest the closest name for a mistyped one; they are
built only for rows that have a problem."""

from __future__ import annotations

import difflib

from ..bundled import shown_path
from ..i18n import _, pgettext
from ..normalize import norm_name
from ..problems import quote
from .suggest import of_names
from .values import Issue, cell_text
from .wording import did_you_mean


class RowIssues:
    """The words of a row's problems.  Expects ``rs`` (the rule set),
    ``units`` (a ``UnitsIndex``) and ``owners`` (``spec.owners``) on the
    object, and sets ``_items_suggester`` and ``_class_texts`` (built on
    first use)."""

    _items_suggester = None
    _class_texts: dict | None = None

    def names_class(self, text: str, cls: str) -> bool:
        """Does a class cell's text name ``cls``: its id, or the rule file's
        or the units file's names for it (a template writes the short name,
        县市区; older ones the id), spaces and width aside."""
        texts = self._class_texts
        if texts is None:
            texts = self._class_texts = {}
            named = self.units.loaded.units.classes
            for c in set(self.rs.classes) | set(named):
                spelled = {c, named.get(c) or c}
                found = self.rs.classes.get(c)
                if found is not None:
                    spelled |= {found.name, found.label}
                texts[c] = {norm_name(t) for t in spelled}
        known = texts.get(cls)
        return known is not None and norm_name(text) in known

    def unit_error(self, text, unit) -> Issue | None:
        """Why a unit cell (its text, and the unit found) cannot be scored here."""
        if unit is None:
            return self.unknown_unit(text)
        if unit.cls not in self.rs.classes:
            message = _("{unit} is a unit of class {cls}, which {rules} does not score (it scores {classes}); "
                        "fill its values in the template made from the rule file for its class").format(
                unit=quote(unit.name), cls=quote(self.unit_class_name(unit.cls)), rules=quote(self.rs.title),
                classes=pgettext("list separator", ", ").join(quote(c.name) for c in self.rs.classes.values()))
            return Issue("wrong-class", message)
        return None

    def unknown_unit(self, text) -> Issue:
        typed = cell_text(text).strip() if text is not None else ""
        if not typed:
            return Issue("unknown-unit", _("the unit cell is empty; type the unit's name as the units file writes it"), _("the unit's name"))
        units = shown_path(self.units.loaded.path)
        message = _("unknown unit {unit}: not a name or alias in {units}").format(unit=quote(typed), units=units)
        close = self.units.suggest(typed)
        if close:
            hint = did_you_mean(close)
            return Issue("unknown-unit", _("{first}; {second}").format(first=message, second=hint), hint)
        hint = _("copy the name from {units}, or add the unit there").format(units=units)
        return Issue("unknown-unit", _("{first}; {second}").format(first=message, second=hint), hint)

    def unit_class_name(self, cls: str) -> str:
        """A class as the units file or the rule file names it."""
        named = self.rs.classes.get(cls)
        if named is not None:
            return named.name
        return self.units.loaded.units.classes.get(cls) or cls

    def field_error(self, item: str, field: str):
        """(the field's spec, None), or (None, Issue) for an unknown item or field."""
        owner = self.owners.get(item)
        if owner is None:
            message = _("unknown item {item}: the rule file {rules} has no item of this number").format(item=quote(item), rules=quote(self.rs.title))
            close = self.item_names().closest(item)
            hint = did_you_mean(close) if close else _("copy the row from the template and leave the item column as it is")
            return None, Issue("unknown-item", _("{first}; {second}").format(first=message, second=hint), hint)
        spec = owner.specs.get(field)
        if spec is None:
            any_spec = next(iter(owner.specs.values()), None)
            where = any_spec.indicator() if any_spec is not None else item
            known = pgettext("list separator", ", ").join(owner.specs) or _("none")
            message = _("unknown field {field} of {indicator} (its fields: {fields})").format(field=quote(field), indicator=where, fields=known)
            close = [f for f in difflib.get_close_matches(field, list(owner.specs), n=1, cutoff=0.5)]
            hint = did_you_mean(close) if close else _("copy the row from the template and leave the field column as it is")
            return None, Issue("unknown-field", _("{first}; {second}").format(first=message, second=hint), hint)
        return spec, None

    def item_names(self):
        if self._items_suggester is None:
            self._items_suggester = of_names(self.owners)
        return self._items_suggester

    def applies_error(self, unit, item: str, value) -> Issue | None:
        """A value for an item that does not apply to the unit's class."""
        if unit.cls in self.owners[item].classes:
            return None
        spec = next(iter(self.owners[item].specs.values()), None)
        what = spec.indicator() if spec is not None else item
        message = _("{indicator} does not apply to {unit} (class {cls}); leave the cell empty (found {value})").format(
            indicator=what, unit=unit.name, cls=quote(self.unit_class_name(unit.cls)), value=quote(cell_text(value)))
        return Issue("not-applicable", message, _("leave it empty"))

    def recorded_class(self, unit, written) -> Issue:
        cls = quote(self.unit_class_name(unit.cls))
        message = _("{unit} is in class {cls} in the units file, but this sheet says {found}; write {cls} here, or make a new template").format(
            unit=unit.name, cls=cls, found=quote(written.strip()))
        return Issue("wrong-class", message, self.unit_class_name(unit.cls))

    def expected_text(self, owner: str, field: str, cls: str) -> str:
        """What a field takes, in words (for a missing value)."""
        from .wording import expected

        return expected(self.owners[owner].specs[field].field, cls)
