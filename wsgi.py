"""WSGI entry point: ``gunicorn wsgi:app``."""

from kerapu import create_app

app = create_app()
