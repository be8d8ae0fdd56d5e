#!/usr/bin/env python3
"""plots/mpi_section.py on a synthetic mpi/ folder whose answers are worked
out by hand in the comments: the measured breakdown (the slowest rank per
column), the cost model against it, the fitted constants, the projection
table, the training memory table, the charts copied, a skipped list, and a
malformed file named instead of breaking the report.
usage: test_mpi_section.py SOURCE_DIR"""
import html
import json
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(sys.argv[1], "plots"))
import mpi_section  # noqa: E402

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def rows(page):
    """Every table row's cells, unescaped."""
    return [[html.unescape(c) for c in re.findall(r"<t[dh]>(.*?)</t[dh]>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", page)]


def rank(r, b, e, acc, wait, red, fold, upd, gat, step, rs):
    return {"rank": r, "begin": b, "end": e, "accumulate_s": acc, "wait_s": wait,
            "reduce_s": red, "fold_s": fold, "update_s": upd, "gather_s": gat,
            "step_s": step, "reduce_scatter_s": rs}


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(obj if isinstance(obj, str) else json.dumps(obj))


with tempfile.TemporaryDirectory() as tmp:
    d, out = os.path.join(tmp, "mpi"), os.path.join(tmp, "report")
    os.makedirs(out)
    P = 1000000
    write(os.path.join(d, "bench_r1.json"), {"ranks": 1, "algo": "adam", "repeats": 3, "lists": [
        {"list": "toy", "tensors": 2, "elements": P, "status": "ok",
         "ranks": [rank(0, 0, P, 1e-3, 0, 0, 0, 3e-3, 0, 4.6e-3, 2e-4)]},
        {"list": "small", "tensors": 1, "elements": 1000, "status": "ok",
         "ranks": [rank(0, 0, 1000, 1e-6, 0, 0, 0, 3e-6, 0, 6e-6, 1e-6)]},
        {"list": "huge", "tensors": 1, "elements": 10**12, "status": "skipped: memory"}]})
    write(os.path.join(d, "bench_r2.json"), {"ranks": 2, "algo": "adam", "repeats": 3, "lists": [
        {"list": "toy", "tensors": 2, "elements": P, "status": "ok", "ranks": [
            rank(0, 0, P // 2, 1.0e-3, 1e-4, 4e-4, 2.0e-3, 1.5e-3, 6e-4, 9.0e-3, 3.0e-3),
            rank(1, P // 2, P, 1.2e-3, 3e-4, 2e-4, 1.0e-3, 1.6e-3, 5e-4, 8.8e-3, 2.5e-3)]}]})
    proj = {"label": "PROJECTION from a cost model, not a measurement",
            "formula": "T(N) = P*c_copy + 2*[(N-1)*alpha + (N-1)/N*4P/beta]",
            "terms": {"P": "parameters"}, "assumptions": ["one rank per machine"],
            "constants": {"c_copy_s_per_element": 1e-9, "c_add_s_per_element": 2e-9,
                          "c_update_s_per_element": 3e-9, "alpha_s": 1e-6, "beta_Bps": 4e9},
            "rows": [{"model": "M", "network": "net", "machines": 1, "step_s": 0.5,
                      "state_bytes_per_machine": 2**31},
                     {"model": "M", "network": "net", "machines": 2, "step_s": 1.25,
                      "state_bytes_per_machine": 2**30}]}
    write(os.path.join(d, "projection.json"), proj)
    write(os.path.join(d, "report.md"), "# not read\n")
    write(os.path.join(d, "mpi_breakdown.png"), "PNG bytes")
    t = os.path.join(d, "train")
    write(os.path.join(t, "check_train.log"),
          "optbench_mpi_train: rank 0 of 2: parameters [0, 50)\n"
          "optbench_mpi_train: 2 ranks, 10 iterations, 8 micro-batches of 16; loss 0.5\n"
          "check_train: ranks 2: loss curve and parameters identical to the reference\n")
    write(os.path.join(t, "ref", "memory.txt"), "# header\nreference 0 0 100 800 800\n")
    write(os.path.join(t, "r2", "memory.txt"), "# header\n2 0 0 50 400 400\n2 1 50 100 420 400\n")

    page = mpi_section.section(d, out)
    got = rows(page)
    check("<h2 id='mpi'>The sharded step over MPI</h2>" in page, "the h2 the contents list")
    # R = 2, toy, slowest rank per column: compute = max(1.0+2.0+1.5, 1.2+1.0+1.6) = 4.5 ms;
    # communication = max(0.4+0.6, 0.2+0.5) = 1.0; waiting 0.3; step 9.0;
    # exchange + fold = max(0.4+2.0, 0.2+1.0) = 2.4; MPI_Reduce_scatter 3.0
    check(["toy", "1,000,000", "2", "4.5", "1.0", "0.3", "9.0", "2.4", "3.0"] in got,
          "the measured row of toy, R = 2")
    check(["toy", "1,000,000", "1", "4.0", "0.0", "0.0", "4.6", "0.0", "0.2"] in got,
          "the measured row of toy, R = 1")
    # the smaller list first
    names = [r[0] for r in got if r and r[0] in ("small", "toy")]
    check(names[:1] == ["small"], f"lists by size, small first: {names}")
    check("huge" in page and "Not run" in page, "the skipped list named")
    # model, R = 2: compute = 1e6*1e-9 + 1/2*1e6*2e-9 + 1e6/2*3e-9 = 3.5 ms;
    # comm = 2*(1e-6 + 1/2*4e6/4e9) = 1.002 ms; 4.502 ms; 9.0 / 4.502 = 2.00
    check(["toy", "2", "9.0", "4.5", "2.00"] in got, "the model row of toy, R = 2")
    # R = 1: 1e6*(1e-9 + 3e-9) = 4.0 ms, 4.6 / 4.0 = 1.15
    check(["toy", "1", "4.6", "4.0", "1.15"] in got, "the model row of toy, R = 1")
    check("alpha = 1.00 us, beta = 4.00 GB/s" in page, "alpha and beta")
    check("c_copy = 1.000 ns, c_add = 2.000 ns, c_update = 3.000 ns" in page, "the c constants")
    check("PROJECTION (a model, not a measurement)" in page, "the projection's label")
    check(html.escape(proj["formula"], quote=True) in page, "the formula")
    check(["M", "net", "500", "1,250"] in got, "the projection row in ms")
    check(["M", "2.00", "1.00"] in got, "the state per machine in GiB (2^31, 2^30 bytes)")
    # rank 1 holds 420 of one process's 800 bytes: 0.525
    check(["2", "1", "[50, 100)", "420", "400", "0.525"] in got, "the memory row of rank 1")
    check("identical to the reference" in page, "the training verdict")
    check(os.path.exists(os.path.join(out, "mpi_breakdown.png")) and
          "<img src='mpi_breakdown.png'" in page, "the breakdown chart copied and shown")
    check("mpi_projection.png is missing" in page, "the missing chart said")

    # a malformed file: named, the report goes on
    write(os.path.join(d, "bench_r2.json"), "{\"ranks\": 2, ")
    page = mpi_section.section(d, out)
    check("Not shown" in page and "bench_r2.json" in page and "<table" not in page,
          "a malformed bench_r2.json named, no tables")
    write(os.path.join(d, "bench_r2.json"), {"ranks": 3, "lists": []})
    page = mpi_section.section(d, out)
    check("Not shown" in page and "for 2 ranks" in page, "a file whose R is not its name's")

for f in failures:
    print("test_mpi_section: FAIL:", f)
print("test_mpi_section:", "ok" if not failures else f"{len(failures)} failed")
sys.exit(1 if failures else 0)
