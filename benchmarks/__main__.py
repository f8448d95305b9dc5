"""Run every benchmark: each `benchmarks/bench_*.py` module's `main()`, in name order."""

from __future__ import annotations

import importlib
import pkgutil
import time

import benchmarks


def main() -> None:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"benchmarks.{name}").main()
        print(f"== {name} done in {time.perf_counter() - started:.1f} s\n", flush=True)


if __name__ == "__main__":
    main()
