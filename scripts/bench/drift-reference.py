#!/usr/bin/python3
"""The yardstick of `npm run bench:drift`: the drift statistics of `oversight drift` in numpy/scipy.

usage: drift-reference.py REFERENCE.csv CURRENT.csv --tests f1=wasserstein,c1=jensenshannon,...
       [--categorical c1,c2] [--reader pandas|loadtxt]

Reads both files with pandas' C reader (read_csv: float64, or category dtype for categorical
columns; the default when pandas is installed) or numpy.loadtxt (one structured dtype: floats,
or text for categorical columns); a column is categorical when its first value is not a number
or it is named in --categorical. Computes each named feature's test as Oversight defines it
(STATISTICS.md) in numpy/scipy and prints one JSON object: the reader, parse and compute seconds,
peak RSS, and per feature its statistic and p-value. No missing values: the benchmark's files have none.
"""
import argparse
import csv
import json
import resource
import sys
import time
from collections import Counter

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon


def read_header_and_first_row(path):
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        return [name.strip() for name in next(reader)], next(reader)


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


# Fixed-width text: wide enough for the benchmark's categories, narrow enough for 1 M rows.
CATEGORY_WIDTH = 16


def load(path, names, categorical):
    header, first = read_header_and_first_row(path)
    columns = [header.index(name) for name in names]
    dtype = [(name, f"U{CATEGORY_WIDTH}" if name in categorical else "f8") for name in names]
    table = np.loadtxt(path, delimiter=",", skiprows=1, usecols=columns, dtype=dtype, encoding="utf-8")
    for name in categorical & set(names):
        if np.any(np.char.str_len(table[name]) >= CATEGORY_WIDTH):
            raise SystemExit(f"{path}: a value of {name} may be cut at {CATEGORY_WIDTH} characters")
    return table


def load_pandas(path, names, categorical):
    import pandas as pd

    # The C engine; float_precision 'high' (pandas' default) reads these decimals exactly.
    return pd.read_csv(path, usecols=names, dtype={name: "category" if name in categorical else "float64" for name in names}, engine="c")


def psi(reference, current):
    # Inner edges: the reference's 10 %, …, 90 % quantiles (numpy 'linear'), equal edges collapsed;
    # a value equal to an edge goes to the upper bin; empty bins count as 0.0001.
    edges = np.unique(np.quantile(reference, np.arange(1, 10) / 10))
    shares = lambda values: np.maximum(np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1) / len(values), 1e-4)
    ref, cur = shares(reference), shares(current)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def counts_of(values):
    if hasattr(values, "value_counts"):
        return {key: count for key, count in values.value_counts(sort=False).items() if count > 0}
    # Hash counting (pandas' value_counts without pandas): numpy.unique sorts the strings, ~30× slower here.
    return Counter(values.tolist())


def category_counts(reference, current):
    ref, cur = counts_of(reference), counts_of(current)
    categories = list(ref) + [category for category in cur if category not in ref]
    return np.array([ref.get(c, 0) for c in categories], dtype=float), np.array([cur.get(c, 0) for c in categories], dtype=float)


def measure(test, reference, current, categorical):
    if categorical or test == "chisquare":
        if not categorical:
            reference, current = np.asarray(reference).astype(str), np.asarray(current).astype(str)
        ref, cur = category_counts(reference, current)
        if test == "jensenshannon":
            return float(jensenshannon(ref / len(reference), cur / len(current))), None
        if np.any((ref == 0) & (cur > 0)):
            return None, None
        present = ref > 0
        result = stats.chisquare(cur[present], ref[present] / len(reference) * len(current))
        return float(result.statistic), float(result.pvalue)
    if test == "wasserstein":
        std = np.std(reference)
        return (float(stats.wasserstein_distance(reference, current) / std) if std > 0 else None), None
    if test == "ks":
        result = stats.ks_2samp(reference, current)
        return float(result.statistic), float(result.pvalue)
    if test == "psi":
        return psi(reference, current), None
    if test == "jensenshannon":
        edges = np.histogram_bin_edges(np.concatenate([reference, current]), bins="sturges")
        p = np.histogram(reference, edges)[0] / len(reference)
        q = np.histogram(current, edges)[0] / len(current)
        return float(jensenshannon(p, q)), None
    raise SystemExit(f"unknown test {test}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("current")
    parser.add_argument("--tests", required=True, help="FEATURE=TEST,… for every compared feature")
    parser.add_argument("--categorical", default="")
    parser.add_argument("--reader", choices=["pandas", "loadtxt"], default=None)
    args = parser.parse_args()
    tests = dict(item.split("=", 1) for item in args.tests.split(",") if item)
    names = list(tests)
    header, first = read_header_and_first_row(args.reference)
    categorical = {name for name in args.categorical.split(",") if name}
    categorical |= {name for name in names if not is_number(first[header.index(name)])}

    reader = args.reader
    if reader is None:
        try:
            import pandas  # noqa: F401

            reader = "pandas"
        except ModuleNotFoundError:
            reader = "loadtxt"
    versions = {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": __import__("scipy").__version__}
    if reader == "pandas":
        versions["pandas"] = __import__("pandas").__version__

    started = time.perf_counter()
    cpu_started = time.process_time()
    if reader == "pandas":
        reference = load_pandas(args.reference, names, categorical)
        current = load_pandas(args.current, names, categorical)
    else:
        reference = load(args.reference, names, categorical)
        current = load(args.current, names, categorical)
    parsed = time.perf_counter()
    cpu_parsed = time.process_time()

    def column(table, name):
        # pandas: numpy arrays for numbers, the categorical Series (for value_counts) for categories.
        if reader == "pandas" and name not in categorical:
            return table[name].to_numpy()
        return table[name]

    features = []
    for name in names:
        statistic, p_value = measure(tests[name], column(reference, name), column(current, name), name in categorical)
        features.append({"name": name, "test": tests[name], "statistic": statistic, "pValue": p_value})
    computed = time.perf_counter()
    cpu_computed = time.process_time()
    json.dump(
        {
            "reader": reader,
            "versions": versions,
            "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "rows": [int(len(reference)), int(len(current))],
            "parseSeconds": parsed - started,
            "computeSeconds": computed - parsed,
            "parseCpuSeconds": cpu_parsed - cpu_started,
            "computeCpuSeconds": cpu_computed - cpu_parsed,
            "features": features,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
