"""Backups proven by restoring: ``flask backup create|restore|verify|list`` and the
nightly task. ``service`` is what the CLI and the task call; ``tables`` counts and
checksums every table; ``sqlite`` and ``postgres`` hold what each engine does."""
