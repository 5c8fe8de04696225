# Shortcuts; the scripts are the reference.
.PHONY: bench bench-quick

bench:  ## the benchmark suite at full size (bench/results.json, docs/performance.md)
	scripts/bench.sh

bench-quick:  ## the same at small sizes
	scripts/bench.sh --quick
