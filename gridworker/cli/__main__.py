"""`python -m gridworker.cli`: the same as the `gridworker` console script."""

from gridworker.cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
