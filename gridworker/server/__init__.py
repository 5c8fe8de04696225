"""Central sync server (FastAPI)."""
