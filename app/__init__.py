"""The application layer: the Engine facade over ingest, index and assistant, and the command line.

Nothing below this layer imports it; the web app (ui/) and evaluation/ call the Engine.
"""
