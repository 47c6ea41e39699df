"""Benchmark of the matching engine's file interface.

Run: ``python -m bench.bench_matching [--sizes 30,300,3000,10000] [--objective max_total]
[--nx-timeout 60]``.

For every size and shape (bipartite: gemeenten vs aanbieders; mixed: also gemeente-gemeente
pairs, so the graph is not bipartite; odd: an odd head count and half of all pairs on one
side, so the LP is fractional and the exact repair runs; "-fine": the same with scores in
hundredths, so there are hardly any ties) it writes a deterministic instance to a JSON file in
a temp dir and times the file interface twice:

* ``file s``: ``matching.engine.main(["solve", IN, "-o", OUT])`` in a process whose libraries
  are already imported (as in the Celery worker that runs matchings): reading and parsing the
  file, validating, solving, writing the result. This is the figure the targets are about.
* ``cold s``: ``python -m matching.engine solve IN -o OUT`` as a new process, so it also
  pays for starting Python and importing numpy/scipy (printed once as the baseline).

Peak memory is the peak RSS of the file-interface process (``ru_maxrss``). In the same run it
times ``networkx.max_weight_matching(maxcardinality=True)`` on the same instance in a
subprocess with a timeout (solve only, file already parsed) and compares placed count and total.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

PEOPLE_PER_ORG = 5


def generate(n: int, shape: str, seed: int = 20261122) -> dict:
    """Deterministic instance: n participants, ~10-20 acceptable partners each."""
    fine = shape.endswith("-fine")
    shape = shape.removesuffix("-fine")
    rng = random.Random(f"{seed}-{n}-{shape}")
    if shape == "odd":  # general graph, odd head count, 50% same-side pairs
        n += 1
    half = n // 2
    gemeente = [f"p{i:05d}" for i in range(half)]
    others = [f"p{i:05d}" for i in range(half, n)]
    participants = [
        {"id": pid, "organisation": f"o{i // PEOPLE_PER_ORG:05d}"}
        for i, pid in enumerate(gemeente + others)
    ]
    org = {p["id"]: p["organisation"] for p in participants}
    seen: set[tuple[str, str]] = set()
    pairs = []

    def add(a: str, b: str) -> None:
        key = (a, b) if a < b else (b, a)
        if a == b or key in seen or org[a] == org[b]:
            return
        seen.add(key)
        al = rng.randint(0, 1000) / 100 if fine else rng.randint(0, 20) / 2
        bl = rng.randint(0, 1000) / 100 if fine else rng.randint(0, 20) / 2
        pairs.append({"a": key[0], "b": key[1], "a_likes": al, "b_likes": bl})

    for pid in gemeente + others:
        k = rng.randint(5, 10)
        for _ in range(k):
            is_gemeente = pid < others[0]
            if shape == "odd" and rng.random() < 0.5:
                pool = gemeente if is_gemeente else others
            elif shape == "mixed" and is_gemeente and rng.random() < 0.2:
                pool = gemeente  # gemeente-gemeente pairs make the graph non-bipartite
            else:
                pool = others if is_gemeente else gemeente
            add(pid, pool[rng.randrange(len(pool))])
    return {"participants": participants, "pairs": pairs, "pins": [], "forbids": [],
            "objective": "max_total", "triads": False}


_RUN_CHILD = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": p.returncode, "wall": wall, "rss_kb": rss, "err": p.stderr[-500:]}))
"""

_WARM_CHILD = r"""
import json, resource, sys, time
import numpy, rustworkx, scipy.sparse.csgraph  # noqa: F401  (a worker has these loaded)
from matching.engine import main
t = time.perf_counter()
rc = main(["solve", sys.argv[1], "-o", sys.argv[2]])
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rc": rc, "wall": wall, "rss_kb": rss}))
"""

_NX_CHILD = r"""
import json, sys, time
import networkx as nx
data = json.load(open(sys.argv[1]))
g = nx.Graph()
org = {p["id"]: p["organisation"] for p in data["participants"]}
for pr in data["pairs"]:
    s = pr.get("score")
    if s is None:
        s = pr["a_likes"] + pr["b_likes"]
    if org[pr["a"]] != org[pr["b"]]:
        g.add_edge(pr["a"], pr["b"], weight=round(s * 100))
t = time.perf_counter()
m = nx.max_weight_matching(g, maxcardinality=True)
dt = time.perf_counter() - t
total = sum(g[a][b]["weight"] for a, b in m) / 100
print(json.dumps({"seconds": dt, "placed": 2 * len(m), "total": total}))
"""


def run_engine(path: Path, out: Path, objective: str) -> dict:
    data = json.loads(path.read_text())
    if data["objective"] != objective:
        data["objective"] = objective
        path.write_text(json.dumps(data))
    cmd = [sys.executable, "-m", "matching.engine", "solve", str(path), "-o", str(out)]
    res = subprocess.run(
        [sys.executable, "-c", _RUN_CHILD, *cmd], capture_output=True, text=True, check=True
    )
    cold = json.loads(res.stdout)
    if cold["rc"] != 0:
        raise SystemExit(f"engine failed on {path}: {cold['err']}")
    res = subprocess.run(
        [sys.executable, "-c", _WARM_CHILD, str(path), str(out)],
        capture_output=True, text=True, check=True,
    )
    info = json.loads(res.stdout)
    info["cold"] = cold["wall"]
    info["result"] = json.loads(out.read_text())
    return info


def run_networkx(path: Path, timeout: float) -> dict | None:
    try:
        res = subprocess.run(
            [sys.executable, "-c", _NX_CHILD, str(path)],
            capture_output=True, text=True, timeout=timeout, check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(res.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_matching")
    ap.add_argument("--sizes", default="30,300,3000,10000")
    ap.add_argument("--shapes", default="bipartite,mixed,odd,odd-fine")
    ap.add_argument("--objective", default="max_total")
    ap.add_argument("--nx-timeout", type=float, default=60.0)
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    shapes = args.shapes.split(",")
    print(f"objective={args.objective}; file s = read + parse + validate + solve + write, "
          "libraries already imported (targets: 10,000 bipartite < 0.5 s, mixed < 3 s); "
          "cold s = new process `python -m matching.engine solve IN -o OUT`; "
          "networkx = max_weight_matching(maxcardinality=True), solve only, "
          f"timeout {args.nx_timeout:g} s")
    base = subprocess.run(
        [sys.executable, "-c", _RUN_CHILD, sys.executable, "-c",
         "import matching.engine, scipy.sparse.csgraph, rustworkx"],
        capture_output=True, text=True, check=True,
    )
    b = json.loads(base.stdout)
    print(f"baseline: interpreter start + imports (numpy, scipy.sparse.csgraph, rustworkx) = "
          f"{b['wall']:.3f} s, {b['rss_kb'] / 1024:.1f} MB")
    header = (f"{'n':>6} {'shape':<9} {'pairs':>7} {'file s':>7} {'cold s':>7} {'RSS MB':>7} "
              f"{'placed':>6} {'objective':>11} {'algorithm':<72} {'nx s':>7} {'nx/eng':>7} "
              f"{'same?':>5}")
    print(header)
    # nx/eng = networkx solve time / engine file-interface time; same? = networkx reaches the
    # same placed count and total (max_total only)
    print("-" * len(header))
    nx_gave_up: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for shape in shapes:
                path = Path(tmp) / f"inst_{shape}_{n}.json"
                data = generate(n, shape)
                data["objective"] = args.objective
                path.write_text(json.dumps(data))
                info = run_engine(path, Path(tmp) / f"out_{shape}_{n}.json", args.objective)
                st = info["result"]["stats"]
                obj = st["min_score"] if args.objective == "max_min" else st["total_score"]
                nxs = "skip"
                ratio = "-"
                same = "-"
                if shape not in nx_gave_up:
                    nxr = run_networkx(path, args.nx_timeout)
                    if nxr is None:
                        nx_gave_up.add(shape)
                        nxs = f">{args.nx_timeout:g}"
                    else:
                        nxs = f"{nxr['seconds']:.3f}"
                        ratio = f"{nxr['seconds'] / info['wall']:.1f}x"
                        if args.objective == "max_total":
                            same = "yes" if (
                                nxr["placed"] == st["placed"]
                                and abs(nxr["total"] - st["total_score"]) < 1e-6
                            ) else "NO"
                n_people = len(data["participants"])
                print(f"{n_people:>6} {shape:<9} {len(data['pairs']):>7} {info['wall']:>7.3f} "
                      f"{info['cold']:>7.3f} "
                      f"{info['rss_kb'] / 1024:>7.1f} {st['placed']:>6} "
                      f"{obj:>11.2f} {st['algorithm'][:72]:<72} {nxs:>7} {ratio:>7} {same:>5}",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
