#!/usr/bin/env python3
"""mpi_report.py DIR MODELS_DIR: the sharded step's report (issue 15) from
what mpi/bench.sh wrote in DIR: bench_r<R>.json (optbench_mpi_bench under
mpirun -np R) and train/ (optbench_mpi_train, check_train.sh's log).

Writes into DIR:
  breakdown.dat    list, R, compute, communication, waiting, step (ms), the
                   slowest rank's medians
  projection.dat   N, then step time (s) per model and network
  projection.json  the cost model: formula, fitted constants, assumptions, rows
  report.md        the tables (measured and projected) and the formula
The plots (plots/mpi.gp) read the .dat files."""
import glob
import json
import os
import re
import sys

# Assumed networks: (name, bandwidth in Gb/s, alpha in s). The latencies are
# typical MPI small-message latencies: TCP over 10 GbE, RoCE at 25 GbE,
# InfiniBand EDR at 100 Gb/s. Assumptions, not measurements.
NETWORKS = [("10 Gb/s Ethernet (TCP)", 10, 50e-6), ("25 Gb/s RoCE", 25, 10e-6),
            ("100 Gb/s InfiniBand", 100, 2e-6)]
MACHINES = [1, 2, 4, 8, 16, 32, 64]
PROJECTED = [("gpt2-small", "GPT-2 small"), ("olmoe-1b-7b", "OLMoE-1B-7B (6.9B)")]
FORMULA = ("T(N) = P*c_copy + (N-1)/N*P*c_add + P/N*c_update"
           " + 2*[(N-1)*alpha + (N-1)/N*4P/beta]")


def fail(msg):
    sys.exit("mpi_report.py: " + msg)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")


def list_total(models, name):
    path = os.path.join(models, name + ".txt")
    try:
        with open(path) as f:
            for line in f:
                m = re.match(r"#\s*total:\s*(\d+)\s*$", line)
                if m:
                    return int(m.group(1))
    except OSError as e:
        fail(f"{path}: {e}")
    fail(f"{path}: no '# total:' line")


def slowest(ranks, key):
    return max(r[key + "_s"] for r in ranks)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def breakdown(runs):
    """{list: {R: row}} from every run's lists that ran."""
    out = {}
    for r, run in sorted(runs.items()):
        for l in run["lists"]:
            if l["status"] != "ok":
                continue
            rk = l["ranks"]
            out.setdefault(l["list"], {})[r] = {
                "elements": l["elements"], "tensors": l["tensors"],
                "compute": max(x["accumulate_s"] + x["fold_s"] + x["update_s"] for x in rk),
                "comm": max(x["reduce_s"] + x["gather_s"] for x in rk),
                "wait": slowest(rk, "wait"), "step": slowest(rk, "step"),
                "reduce": max(x["reduce_s"] + x["fold_s"] for x in rk),
                "rs": slowest(rk, "reduce_scatter")}
    return out


def constants(runs):
    """Per-element costs from the runs, medians over the lists:
    c_copy (the contribution's copy, R = 1), c_update (R = 1), c_add (the
    fold at R = 2: one slice of len elements added); alpha, beta from R = 2."""
    c_copy, c_update, c_add = [], [], []
    for l in runs.get(1, {}).get("lists", []):
        if l["status"] == "ok":
            x = l["ranks"][0]
            c_copy.append(x["accumulate_s"] / l["elements"])
            c_update.append(x["update_s"] / l["elements"])
    for l in runs.get(2, {}).get("lists", []):
        if l["status"] == "ok":
            for x in l["ranks"]:
                if x["end"] > x["begin"]:
                    c_add.append(x["fold_s"] / (x["end"] - x["begin"]))
    pp = next((runs[r]["pingpong"] for r in sorted(runs) if "pingpong" in runs[r]), None)
    if not c_copy or not c_update or not c_add or not pp:
        fail("need the runs of 1 and 2 ranks with at least one list, and a ping-pong")
    return {"c_copy_s_per_element": median(c_copy), "c_update_s_per_element": median(c_update),
            "c_add_s_per_element": median(c_add), "alpha_s": pp["alpha_s"],
            "beta_Bps": pp["beta_Bps"], "pingpong": pp["points"]}


def model(c, p, n, alpha, beta):
    compute = p * c["c_copy_s_per_element"] + (n - 1) / n * p * c["c_add_s_per_element"] \
        + p / n * c["c_update_s_per_element"]
    comm = 2 * ((n - 1) * alpha + (n - 1) / n * 4 * p / beta)
    return compute, comm


def main():
    if len(sys.argv) != 3:
        fail("usage: mpi_report.py DIR MODELS_DIR")
    d, models = sys.argv[1], sys.argv[2]
    runs = {}
    for path in glob.glob(os.path.join(d, "bench_r*.json")):
        run = load_json(path)
        runs[run["ranks"]] = run
    if not runs:
        fail(f"{d}: no bench_r<R>.json")
    table = breakdown(runs)
    c = constants(runs)
    algo = runs[min(runs)]["algo"]

    rows = []
    for key, title in PROJECTED:
        p = list_total(models, key)
        for net, gbps, alpha in NETWORKS:
            beta = gbps * 1e9 / 8
            for n in MACHINES:
                compute, comm = model(c, p, n, alpha, beta)
                rows.append({"model": title, "parameters": p, "network": net, "gbps": gbps,
                             "alpha_s": alpha, "machines": n, "compute_s": compute,
                             "comm_s": comm, "step_s": compute + comm,
                             "state_bytes_per_machine": 8 * p / n})
    proj = {"label": "PROJECTION from a cost model, not a measurement",
            "formula": FORMULA,
            "terms": {"P": "parameters (fp32)", "N": "machines, one rank each",
                      "c_copy": "copy of the gradient into the library's buffer, s/element",
                      "c_add": "one add of the fixed-order fold, s/element",
                      "c_update": f"{algo} update, s/element (one core of this machine)",
                      "alpha, beta": "latency (s) and bandwidth (bytes/s) of the network",
                      "2*[...]": "the gradient exchange and the parameter exchange each "
                                 "send and receive (N-1)/N of 4P bytes in N-1 messages"},
            "assumptions": ["one rank per machine; compute at this machine's one-core rates",
                            "no overlap of communication and computation, no waiting "
                            "(balanced ranks); the gradients' computation is not included",
                            "alpha per network: " + ", ".join(
                                f"{n} {a * 1e6:g} us" for n, _, a in NETWORKS),
                            "beta = the link's nominal bandwidth",
                            "optbench_mpi refuses a range above INT_MAX floats (MPI's int "
                            "counts): OLMoE needs N >= 4; its N < 4 rows are the model's only"],
            "constants": {k: v for k, v in c.items() if k != "pingpong"},
            "rows": rows}
    with open(os.path.join(d, "projection.json"), "w") as f:
        json.dump(proj, f, indent=1)

    order = sorted(table, key=lambda name: table[name][min(table[name])]["elements"])
    with open(os.path.join(d, "breakdown_lists.gp"), "w") as f:
        f.write(f'lists = "{" ".join(order)}"\n')
    with open(os.path.join(d, "breakdown.dat"), "w") as f:
        f.write("# list R compute_ms communication_ms waiting_ms step_ms"
                " (slowest rank, medians)\n")
        for name in order:
            by_r = table[name]
            for r, x in sorted(by_r.items()):
                f.write(f"{name} {r} {1e3 * x['compute']:.4f} {1e3 * x['comm']:.4f} "
                        f"{1e3 * x['wait']:.4f} {1e3 * x['step']:.4f}\n")
            f.write("\n\n")
    with open(os.path.join(d, "projection.dat"), "w") as f:
        cols = [(t, net) for _, t in PROJECTED for net, _, _ in NETWORKS]
        f.write("# seconds per step, projected\nmachines " +
                " ".join(f'"{t}, {n}"' for t, n in cols) + "\n")
        for n in MACHINES:
            vals = [next(r["step_s"] for r in rows if r["model"] == t and r["network"] == net
                         and r["machines"] == n) for t, net in cols]
            f.write(f"{n} " + " ".join(f"{v:.6g}" for v in vals) + "\n")
    with open(os.path.join(d, "pingpong.dat"), "w") as f:
        f.write("# bytes one_way_median_s one_way_best_s\n")
        for pt in c["pingpong"]:
            f.write(f"{pt['bytes']} {pt['one_way_median_s']:.6g} {pt['one_way_best_s']:.6g}\n")
    write_md(d, runs, table, c, proj, algo)


def state_count(d, algo):
    """The rule's state arrays, from the run's rule list (scripts/obinfo.py)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                    "scripts"))
    sys.dont_write_bytecode = True
    import obinfo
    try:
        rule = obinfo.rule(obinfo.find(os.path.dirname(os.path.abspath(d))), algo)
    except obinfo.Error as e:
        fail(f"the rule list: {e}")
    if not rule:
        fail(f"{algo}: not in the rule list")
    return len(rule["states"])


def write_md(d, runs, table, c, proj, algo):
    md = [f"# The sharded optimizer step over MPI ({algo})", "",
          "Measured on this machine: 2 cores shared with other work, so runs of 3 and 4 "
          "ranks are oversubscribed and every number is noisy (medians of the repeats; "
          "the slowest rank's median per column). One OpenMP thread per rank. "
          "compute = the gradient's copy + the fold + the update; communication = the "
          "gradient exchange + the parameter exchange; waiting = the agreement at the "
          "start of the step (until the slowest rank arrives).", "",
          "| list | elements | R | compute ms | communication ms | waiting ms | step ms "
          "| fixed-order exchange + fold ms | MPI_Reduce_scatter ms |",
          "|---|---|---|---|---|---|---|---|---|"]
    for name, by_r in sorted(table.items(), key=lambda kv: kv[1][min(kv[1])]["elements"]):
        for r, x in sorted(by_r.items()):
            md.append(f"| {name} | {x['elements']:,} | {r} | {1e3 * x['compute']:.1f} | "
                      f"{1e3 * x['comm']:.1f} | {1e3 * x['wait']:.1f} | {1e3 * x['step']:.1f} | "
                      f"{1e3 * x['reduce']:.1f} | {1e3 * x['rs']:.1f} |")
    skipped = sorted({l["list"] for run in runs.values() for l in run["lists"]
                      if l["status"] != "ok"})
    if skipped:
        md += ["", "Skipped (their buffers on all ranks would pass half the free memory): "
               + ", ".join(skipped) + "."]
    k = proj["constants"]
    md += ["", "The model below with this machine's alpha and beta against the measured step "
           "(the same list, R ranks on 2 shared cores: past 2 ranks the model, which assumes "
           "a core per rank, is expected to be optimistic):", "",
           "| list | R | measured step ms | model ms | measured / model |", "|---|---|---|---|---|"]
    for name, by_r in sorted(table.items(), key=lambda kv: kv[1][min(kv[1])]["elements"]):
        for r, x in sorted(by_r.items()):
            compute, comm = model(k, x["elements"], r, k["alpha_s"], k["beta_Bps"])
            md.append(f"| {name} | {r} | {1e3 * x['step']:.1f} | {1e3 * (compute + comm):.1f} "
                      f"| {x['step'] / (compute + comm):.2f} |")
    md += ["", "## Cost model: fitted constants", "",
           f"- alpha = {k['alpha_s'] * 1e6:.2f} us, beta = {k['beta_Bps'] / 1e9:.2f} GB/s: "
           "MPI over shared memory here (vader), from the ping-pong between ranks 0 and 1: "
           "alpha is the fastest one-way time of 8 bytes, beta the inverse least-squares "
           "slope of the fastest one-way times of 1 MB and up (the medians carry the "
           "scheduler's delays of an oversubscribed machine: pingpong.dat has both)",
           f"- c_copy = {k['c_copy_s_per_element'] * 1e9:.3f} ns, "
           f"c_add = {k['c_add_s_per_element'] * 1e9:.3f} ns, "
           f"c_update = {k['c_update_s_per_element'] * 1e9:.3f} ns per element "
           "(medians over the lists; R = 1 for copy and update, R = 2 for the fold)", "",
           "## PROJECTION (a model, not a measurement)", "",
           "`" + proj["formula"] + "`", ""]
    md += ["- " + a for a in proj["assumptions"]]
    md += ["", "| model | network | " + " | ".join(f"N={n}" for n in MACHINES) + " |",
           "|---|---|" + "---|" * len(MACHINES)]
    for _, title in PROJECTED:
        for net, _, _ in NETWORKS:
            cells = [next(r for r in proj["rows"] if r["model"] == title and r["network"] == net
                          and r["machines"] == n) for n in MACHINES]
            md.append(f"| {title} | {net} | " + " | ".join(
                f"{r['step_s'] * 1e3:,.0f} ms" for r in cells) + " |")
    totals = {title: next(r["parameters"] for r in proj["rows"] if r["model"] == title)
              for _, title in PROJECTED}
    nbytes = 4 * state_count(d, algo)
    md += ["", f"{algo}'s state per machine ({nbytes} bytes per parameter, over N): " + "; ".join(
        f"{title}: " + ", ".join(f"N={n} {nbytes * p / n / 2**30:.2f} GiB" for n in MACHINES)
        for title, p in totals.items()) + "."]
    train = os.path.join(d, "train", "check_train.log")
    if os.path.exists(train):
        with open(train) as f:
            lines = [ln.rstrip() for ln in f if "rank" in ln or "check_train" in ln]
        md += ["", "## The figure 6-9 network, data-parallel", "", "```"] + lines[-30:] + ["```"]
    with open(os.path.join(d, "report.md"), "w") as f:
        f.write("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
