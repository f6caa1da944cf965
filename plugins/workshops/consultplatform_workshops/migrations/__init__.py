"""Numbered migrations of the plugin (mNNNN_what.py, each with up(migrator, db))."""
