"""The exports plugin's folder: the package, its tests, its pyproject."""
