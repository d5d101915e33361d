"""The package version (one place: the package metadata and ``sim --version`` read it)."""

__version__ = "0.1.0"
