"""The plugin's staff pages: the export page (``page``) with its background jobs
(``jobs``) and open-data publishing (``publish``) as route groups."""
