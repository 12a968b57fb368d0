"""Python joblib's side of the side-by-side runner (org.joblib4j.bench.SideBySide).

Usage: python3 peers.py SCENARIO [ARGS...]; prints one "RESULT <name> <value>" line per figure,
times in seconds (median of the measured runs after the warm-up runs), sizes in bytes.
"""
import math
import os
import shutil
import statistics
import sys
import tempfile
import time

import joblib
import numpy as np
from joblib import Memory, Parallel, delayed


def out(name, value):
    print("RESULT %s %r" % (name, float(value)), flush=True)


def median_time(fn, warmups, reps):
    for _ in range(warmups):
        fn()
    times = []
    for _ in range(max(1, reps)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def burn(rounds):
    x = 0
    for i in range(rounds):
        x = (x * 31 + i) & 0xFFFFFFFF
    return x


def calibrate(millis):
    rounds = 200000
    best = min(median_time(lambda: burn(rounds), 0, 1) for _ in range(5))
    return max(1, int(rounds * millis / 1000.0 / best))


def square(x):
    return x ** 2


def tiny(n, warmups, reps, backends):
    for backend in backends.split(","):
        def call():
            Parallel(n_jobs=2, backend=backend)(delayed(math.sqrt)(i) for i in range(n))
        out("tiny_" + backend, median_time(call, warmups, reps))


def cpu(n, millis, warmups, reps):
    rounds = calibrate(millis)
    out("cpu_rounds", rounds)
    for jobs in (1, 2):
        def call():
            Parallel(n_jobs=jobs, backend="loky")(delayed(burn)(rounds) for _ in range(n))
        out("cpu_loky_n%d" % jobs, median_time(call, warmups, reps))


def pool(warm_reps):
    t0 = time.perf_counter()
    Parallel(n_jobs=2, backend="loky")(delayed(abs)(-i) for i in range(10))
    out("pool_cold", time.perf_counter() - t0)

    def call():
        Parallel(n_jobs=2, backend="loky")(delayed(abs)(-i) for i in range(10))
    out("pool_warm", median_time(call, 5, warm_reps))


def persist(nbytes, compressible_bytes, warmups, reps):
    folder = tempfile.mkdtemp(prefix="joblib4j-bench-py-")
    try:
        a = np.arange(nbytes // 8, dtype=np.float64)
        out("hash", median_time(lambda: joblib.hash(a), warmups, reps))
        raw = os.path.join(folder, "raw.pkl")
        out("dump_raw", median_time(lambda: joblib.dump(a, raw), warmups, reps))
        out("load_raw", median_time(lambda: joblib.load(raw), warmups, reps))
        del a
        c = (np.arange(compressible_bytes // 8) % 1000).astype(np.float64)
        z = os.path.join(folder, "c.pkl.z")
        out("dump_zlib3", median_time(lambda: joblib.dump(c, z, compress=("zlib", 3)), warmups, reps))
        out("load_zlib3", median_time(lambda: joblib.load(z), warmups, reps))
        out("size_zlib3", os.path.getsize(z))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def memory(big_bytes, warmups, reps):
    folder = tempfile.mkdtemp(prefix="joblib4j-bench-py-")
    try:
        cached = Memory(folder, verbose=0).cache(square)
        small = np.arange(100, dtype=np.float64)
        cached(small)
        out("memory_small", median_time(lambda: cached(small), warmups, reps))
        big = np.arange(big_bytes // 8, dtype=np.float64)
        cached(big)
        out("memory_big", median_time(lambda: cached(big), warmups, reps))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def uneven(path, warmups, reps):
    """Scenario P8: the sleeping tasks whose durations (whole microseconds, one a line) the Java
    runner drew, on loky with n_jobs=2; prints the makespan of each measured call."""
    with open(path) as f:
        durations = [int(line) / 1e6 for line in f if line.strip()]
    # Warm-up calls of short tasks start loky's reusable executor and its two workers.
    for _ in range(warmups):
        Parallel(n_jobs=2, backend="loky")(delayed(time.sleep)(0.001) for _ in range(20))
    for i in range(max(1, reps)):
        t0 = time.perf_counter()
        Parallel(n_jobs=2, backend="loky")(delayed(time.sleep)(d) for d in durations)
        out("uneven_loky_%d" % i, time.perf_counter() - t0)


if __name__ == "__main__":
    scenario, args = sys.argv[1], sys.argv[2:]
    print("VERSION %s" % joblib.__version__, flush=True)
    if scenario == "tiny":
        tiny(int(args[0]), int(args[1]), int(args[2]), args[3])
    elif scenario == "cpu":
        cpu(int(args[0]), int(args[1]), int(args[2]), int(args[3]))
    elif scenario == "pool":
        pool(int(args[0]))
    elif scenario == "persist":
        persist(int(args[0]), int(args[1]), int(args[2]), int(args[3]))
    elif scenario == "memory":
        memory(int(args[0]), int(args[1]), int(args[2]))
    elif scenario == "uneven":
        uneven(args[0], int(args[1]), int(args[2]))
    else:
        raise SystemExit(
            "unknown scenario %s: expected tiny, cpu, pool, persist, memory or uneven" % scenario)
