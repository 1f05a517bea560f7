"""gkscore: exact, auditable scoring of government openness evaluations (政务公开考评)."""

__version__ = "0.1.0"
