"""Records joblib's progress lines for the call shapes VerboseCountsTest runs.

Usage (from the repository root, with joblib 1.5 or later importable):

    python3 local-backend/src/test/python/joblib_verbose_lines.py \
        > local-backend/src/test/resources/org/joblib4j/local/joblib-verbose-lines.txt

Each call has two workers, a batch size of 1 and tasks of 20 ms, so which lines joblib prints
depends only on its counts, never on timing. Times are replaced by T. Each output line is
"<backend> <tasks> <known|unknown> <verbose> | <joblib's line>".
"""

import contextlib
import io
import re
import sys
import time

import joblib
from joblib import Parallel, delayed


def task(i):
    time.sleep(0.02)
    return i


def lines(backend, n, known, verbose):
    out = io.StringIO()
    tasks = (delayed(task)(i) for i in range(n))
    if known:
        tasks = list(tasks)
    with contextlib.redirect_stderr(out), contextlib.redirect_stdout(out):
        Parallel(n_jobs=2, backend=backend, verbose=verbose, batch_size=1)(tasks)
    for line in out.getvalue().splitlines():
        line = re.sub(r"(elapsed|remaining): *[0-9.]+(s|min)", r"\1: T", line)
        yield line


def main():
    print(f"# joblib {joblib.__version__}, Python {sys.version.split()[0]}")
    for backend in ("threading", "loky"):
        for verbose in (5, 10, 50):
            for n, known in ((10, True), (100, True), (37, False)):
                shape = f"{backend} {n} {'known' if known else 'unknown'} {verbose}"
                for line in lines(backend, n, known, verbose):
                    print(f"{shape} | {line}")


if __name__ == "__main__":
    main()
