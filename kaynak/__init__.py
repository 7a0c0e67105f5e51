"""kaynak: multilingual question answering and search over a document, with cited, verifiable passages."""

__version__ = "0.1.0"
