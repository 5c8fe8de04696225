"""GridWorker: offline-first field app for community grid governance."""

__version__ = "0.1.0"
