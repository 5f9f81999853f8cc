"""Search columns: a folded copy of other fields of the row, kept by the field itself.

Like ``auto_now``, the value is computed in ``pre_save``, which Django calls on every
``save()``, ``create()`` and also ``bulk_create()`` (the intake, the demo and the scale
seed store rows in bulk), so no writer can forget it. What it does not see: a
``QuerySet.update()`` or ``bulk_update()`` of a source field, and a ``save()`` whose
``update_fields`` names a source but not the search column; no code changes a source
field that way (names, addresses and numbers are written on creation or by a full save).
The folding itself is ``leads.search`` (pure, unit-tested).
"""

from django.db import models

from leads import search


class _DerivedTextField(models.TextField):
    """Computed from ``sources`` of the row; empty unless the row's ``kind`` is one of
    ``kinds`` and none of ``unless_kinds`` (when given)."""

    def __init__(self, *args, sources: tuple[str, ...] = (), kinds: tuple[str, ...] = (),
                 unless_kinds: tuple[str, ...] = (), **kwargs):
        self.sources = tuple(sources)
        self.kinds = tuple(kinds)
        self.unless_kinds = tuple(unless_kinds)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        if self.kinds:
            kwargs["kinds"] = self.kinds
        if self.unless_kinds:
            kwargs["unless_kinds"] = self.unless_kinds
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = self.derive(model_instance) if self._applies(model_instance) else ""
        setattr(model_instance, self.attname, value)
        return value

    def _applies(self, instance) -> bool:
        if self.kinds and instance.kind not in self.kinds:
            return False
        return not (self.unless_kinds and instance.kind in self.unless_kinds)

    def derive(self, instance) -> str:
        raise NotImplementedError


class FoldedTextField(_DerivedTextField):
    """``sources`` folded (case, accents, width) and joined: ``search_text`` matches it
    with a plain substring test, which a trigram index serves on PostgreSQL."""

    def derive(self, instance) -> str:
        return search.search_text(*(getattr(instance, source) or "" for source in self.sources))


class PhoneKeysField(_DerivedTextField):
    """The E.164 digits of the phone numbers in ``sources`` (``search.phone_keys``), read
    in the country at ``country`` (a dotted path, e.g. ``company.country``)."""

    def __init__(self, *args, country: str = "", **kwargs):
        self.country = country
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.country:
            kwargs["country"] = self.country
        return name, path, args, kwargs

    def derive(self, instance) -> str:
        return search.phone_keys([getattr(instance, source) or "" for source in self.sources],
                                 self._country(instance))

    def _country(self, instance) -> str:
        value = instance
        for part in self.country.split(".") if self.country else ():
            if value is None:
                return ""
            value = getattr(value, part, None)
        return value if isinstance(value, str) else ""
