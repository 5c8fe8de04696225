"""PySide6 desktop client. The only package that imports Qt."""
