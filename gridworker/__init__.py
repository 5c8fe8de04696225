"""GridWorker: offline-first field app for community grid governance."""

import logging

__version__ = "0.1.0"

# Until a process sets up its logging (logging_setup.py), our log lines go nowhere: without
# a handler Python's last-resort handler would print warnings on stderr, under the one
# line a refused command promises (a usage error is refused before the log is set up).
logging.getLogger("gridworker").addHandler(logging.NullHandler())
