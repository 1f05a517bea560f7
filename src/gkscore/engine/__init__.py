"""The scoring engine: clause kinds, conditions, compiled rules, the memoised
evaluator and the two result types.  See docs/architecture.md.

Nothing is imported here: ``rules/model.py`` builds its models from
``engine.kinds`` and ``engine.conditions``, which must load without the rest
of the engine.  Import the modules themselves (or ``gkscore.scoring``)."""
