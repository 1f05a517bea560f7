"""Renderers: terminal (rich), json, csv, markdown, xlsx."""
