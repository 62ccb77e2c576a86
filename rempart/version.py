"""rempart's version, in a module of its own so that any layer can cite it without importing
the package's public API (which would import every layer)."""

__version__ = "0.1.0"
