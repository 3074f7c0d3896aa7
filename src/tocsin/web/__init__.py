"""The dashboard: a FastAPI app serving HTML pages and their JSON twins (see docs/web.md).

FastAPI, Jinja2 and uvicorn are imported by tocsin.web.app, not by this package, so
that registering `tocsin serve` costs nothing.
"""
