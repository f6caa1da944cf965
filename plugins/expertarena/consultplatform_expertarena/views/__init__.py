"""The plugin's staff pages (in /admin) and the list views of its data."""
