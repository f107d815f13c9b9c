"""Run every benchmark in turn; each prints its figures on stdout, progress on stderr.

Usage: python bench/run.py [--small] [--only ranking|queue|auth|briefing|demand|metrics]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "ranking": HERE / "bench_ranking.py",
    "queue": HERE / "bench_queue.py",
    "auth": HERE / "bench_auth.py",
    "briefing": HERE / "bench_briefing.py",
    "demand": HERE / "bench_demand.py",
    "metrics": HERE / "bench_metrics.py",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="small sizes only (about a minute)")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), help="run one benchmark")
    args = parser.parse_args()
    names = [args.only] if args.only else list(BENCHMARKS)
    failed = []
    for name in names:
        script = BENCHMARKS[name]
        if not script.exists():
            print(f"bench: {name}: {script.name} is missing", file=sys.stderr)
            failed.append(name)
            continue
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        cmd = [sys.executable, str(script)] + (["--small"] if args.small else [])
        if subprocess.run(cmd, check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"bench: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
