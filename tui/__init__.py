"""reqbench: a terminal HTTP request workbench."""

__version__ = "0.1.0"
