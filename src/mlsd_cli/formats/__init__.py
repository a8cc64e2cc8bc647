"""Formats: the markdown reader and writer, HTML, JSON, CSV, BibTeX, README markers."""
