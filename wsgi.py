"""WSGI entry point: ``gunicorn wsgi:app`` (warns when PUBLIC_URL is not set)."""

from consultplatform.production import production_app

app = production_app()
