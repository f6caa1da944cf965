"""The workshops plugin's staff pages (Flask-Admin views)."""
