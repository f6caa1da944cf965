"""The plugin's folder: package, tests and pyproject (a package so its tests import as one)."""
