"""Clause kinds, one module each; ``registry`` lists them."""
