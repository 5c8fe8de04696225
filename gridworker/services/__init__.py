"""Use cases called by the UI, the CLI and the tests alike."""
