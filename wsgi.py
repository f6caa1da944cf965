"""WSGI entry point: ``gunicorn wsgi:app``."""

from consultplatform import create_app

app = create_app()
