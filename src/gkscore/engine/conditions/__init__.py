"""Condition nodes, one module per node type; ``registry`` lists them and
builds the ``Condition`` union of the rule language."""
