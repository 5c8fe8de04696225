"""Sync protocol and client. No Qt."""
