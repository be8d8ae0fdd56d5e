#!/usr/bin/env python3
"""The report's "Chapter 6, reproduced" section, from an optbench_figures output folder.

The one list of the book's figures 6-10 to 6-24 as optbench draws them: for each, the
experiment that makes its data, the chart (file, gnuplot script, its variables), one sentence
of what the book finds and one of what was measured here, read from the experiment's JSON
(activations.json, init.json, bn.json, weight_decay.json, dropout.json, hyper.json and
hyper_trials.dat), with a verdict against the book's claim.

  section(fig_dir, img_dir=None)  HTML of the section; with img_dir, the charts are copied
                                  there (the report's folder) and a missing one is said to be
  find_dir(results_dir)           the figures folder a `make bench` results folder goes with
  figures_report.py --charts EXP  the charts of one experiment, one a line:
                                  "FILE SCRIPT VARIABLES" (scripts/figures.sh draws them)
  figures_report.py --summary DIR the findings as text (scripts/figures.sh prints them)
  figures_report.py DIR           writes DIR/index.html, a page with the section alone

Standard library only.
"""
import html
import json
import math
import os
import shutil
import sys

# experiment -> its charts: (file, gnuplot script, gnuplot variables besides datadir and out)
ACT = [("6-10", "sigmoid_std1"), ("6-11", "sigmoid_std0.01"), ("6-12", "sigmoid_xavier"),
       ("6-13", "tanh_xavier"), ("6-14", "relu_std0.01"), ("6-14", "relu_xavier"),
       ("6-14", "relu_he")]
CHARTS = {
    "activations": [(f"fig{f.replace('-', '_')}_{n}.png", "fig_act.gp", f"name='{n}'") for f, n in ACT],
    "init": [("fig6_15_init.png", "fig_init.gp", "")],
    "batchnorm": [("fig6_18_batchnorm.png", "fig_bn.gp", "")],
    "weight_decay": [("fig6_20_21_weight_decay.png", "fig_overfit.gp", "exp='weight_decay'")],
    "dropout": [("fig6_22_23_dropout.png", "fig_overfit.gp", "exp='dropout'")],
    "hyper": [("fig6_24_hyper.png", "fig_hyper.gp", "")],
}
JSON = {"activations": "activations.json", "init": "init.json", "batchnorm": "bn.json",
        "weight_decay": "weight_decay.json", "dropout": "dropout.json", "hyper": "hyper.json"}


def esc(x):
    return html.escape(str(x))


def load(d, exp):
    try:
        with open(os.path.join(d, JSON[exp]), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def pct(x):
    return f"{100 * x:.1f} %"


def rng(xs, fmt="{:.3g}"):
    lo, hi = min(xs), max(xs)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)}–{fmt.format(hi)}"


# ---- the findings: (figure, title, chart files, book, measured, verdict) ------------------

def tanh_shape(std):
    """A tanh layer's histogram on [-1, 1], from its standard deviation: above the
    uniform distribution's 1/sqrt(3) the mass leans to the ends (U-shaped), below it
    to the centre (bell-shaped). Figure 6-13's first layer, with a unit-variance
    input, is U-shaped; the book's sentence is about the deeper layers."""
    return "U-shaped" if std > 1 / math.sqrt(3) else "bell-shaped"


def layers(ks):
    """[1] -> "1", [2, 3, 4, 5] -> "2–5", [1, 3] -> "1, 3"."""
    if ks == list(range(ks[0], ks[-1] + 1)) and len(ks) > 2:
        return f"{ks[0]}–{ks[-1]}"
    return ", ".join(str(k) for k in ks)


def act_findings(js):
    cfg = {c["name"]: c for c in js["configs"]}
    L = lambda n, key: [l[key] for l in cfg[n]["layers"]]  # noqa: E731
    out = []
    if "sigmoid_std1" in cfg:
        e = L("sigmoid_std1", "edge")
        out.append(("6-10", "sigmoid, weights of standard deviation 1", ["sigmoid_std1"],
                    "The activations pile up at 0 and 1, where the sigmoid's gradient vanishes "
                    "(gradient vanishing).",
                    f"{rng([100 * x for x in e], '{:.0f}')} % of each layer's activations lie within "
                    f"0.02 of 0 or 1; the mean slope y(1−y) is {rng(L('sigmoid_std1', 'slope'), '{:.3f}')} "
                    "(0.25 at the centre).",
                    "agrees" if min(e) > 0.3 else "disagrees"))
    if "sigmoid_std0.01" in cfg:
        s = L("sigmoid_std0.01", "std")
        out.append(("6-11", "sigmoid, weights of standard deviation 0.01", ["sigmoid_std0.01"],
                    "The activations crowd around 0.5: no vanishing gradient, but all units output "
                    "almost the same value, so the layers' expressiveness is limited.",
                    f"Mean {rng(L('sigmoid_std0.01', 'mean'), '{:.3f}')}, standard deviation "
                    f"{rng(s, '{:.3f}')} by layer; none within 0.02 of 0 or 1.",
                    "agrees" if max(s) < 0.05 and max(L("sigmoid_std0.01", "edge")) == 0 else "disagrees"))
    if "sigmoid_xavier" in cfg and "sigmoid_std0.01" in cfg:
        s, s1 = L("sigmoid_xavier", "std"), L("sigmoid_std0.01", "std")
        out.append(("6-12", "sigmoid, Xavier weights (1/√n)", ["sigmoid_xavier"],
                    "The distribution stays broad in every layer, so the signal keeps its variety "
                    "through the net.",
                    f"Standard deviation {rng(s, '{:.3f}')} by layer, {s[-1] / s1[-1]:.0f}× that of "
                    f"std 0.01 in layer 5; at most {pct(max(L('sigmoid_xavier', 'edge')))} within 0.02 of 0 or 1.",
                    "agrees" if s[-1] > 3 * s1[-1] and max(L("sigmoid_xavier", "edge")) < 0.05 else "disagrees"))
    if "tanh_xavier" in cfg:
        m, s, e = L("tanh_xavier", "mean"), L("tanh_xavier", "std"), L("tanh_xavier", "edge")
        shapes = [tanh_shape(x) for x in s]
        bell = [i + 1 for i, x in enumerate(shapes) if x == "bell-shaped"]
        u = [i + 1 for i, x in enumerate(shapes) if x == "U-shaped"]
        centred = max(abs(x) for x in m) < 0.05
        out.append(("6-13", "tanh, Xavier weights", ["tanh_xavier"],
                    "With tanh, symmetric about 0, the distributions are bell-shaped.",
                    f"Centred (|mean| ≤ {max(abs(x) for x in m):.3f}); "
                    + (f"layer{'s' if len(u) > 1 else ''} {layers(u)} U-shaped (standard deviation "
                       f"{rng([s[i - 1] for i in u], '{:.2f}')}, above the uniform distribution's "
                       f"1/√3 ≈ 0.58, so the mass sits towards ±1: {rng([100 * e[i - 1] for i in u], '{:.0f}')} % "
                       "beyond ±0.98); " if u else "")
                    + (f"layer{'s' if len(bell) > 1 else ''} {layers(bell)} bell-shaped, peaked at 0"
                       + (f" and narrowing with depth (standard deviation {s[bell[0] - 1]:.2f} → "
                          f"{s[bell[-1] - 1]:.2f})" if len(bell) > 1 else f" (standard deviation {s[bell[0] - 1]:.2f})")
                       + f", at most {pct(max(e[i - 1] for i in bell))} beyond ±0.98." if bell else ""),
                    ("agrees" if not u else "partly (from layer 2 on)" if u == [1] else "disagrees")
                    if centred and bell else "disagrees"))
    names = ["relu_std0.01", "relu_xavier", "relu_he"]
    if all(n in cfg for n in names):
        s = {n: L(n, "std") for n in names}
        he = s["relu_he"][-1] / s["relu_he"][0]
        xv = s["relu_xavier"][-1] / s["relu_xavier"][0]
        ok = s["relu_std0.01"][-1] < 0.01 and xv < 0.5 and 0.7 < he < 1.5
        out.append(("6-14", "ReLU, weights of std 0.01, Xavier and He", names,
                    "With std 0.01 the activations are tiny (gradients vanish); with Xavier they "
                    "shrink layer by layer; with He (√(2/n)) every layer has the same spread.",
                    f"Standard deviation from layer 1 to layer 5: {s['relu_std0.01'][0]:.3g} → "
                    f"{s['relu_std0.01'][-1]:.2g} (std 0.01), {s['relu_xavier'][0]:.2f} → "
                    f"{s['relu_xavier'][-1]:.2f} (Xavier, ×{xv:.2f}), {s['relu_he'][0]:.2f} → "
                    f"{s['relu_he'][-1]:.2f} (He, ×{he:.2f}); {rng([100 * x for x in L('relu_he', 'edge')], '{:.0f}')} % "
                    "of each layer's activations are exactly 0.",
                    "agrees" if ok else "disagrees"))
    return out


def init_findings(js):
    r = {x["name"]: x for x in js["runs"]}
    s, x, h = r["std0.01"], r["xavier"], r["he"]
    at = lambda v, how: f"at iteration {v} {how}" if v else f"never {how}"  # noqa: E731
    ok = s["final_smoothed"] > 2.2 and h["final_smoothed"] < x["final_smoothed"] < 2.0
    return [("6-15", "weight initialisation on real data", ["init"],
             "With std 0.01 the net does not learn at all; with He and Xavier it learns, He faster.",
             f"After {js['iterations']} iterations the smoothed loss is {s['final_smoothed']:.3f} "
             f"(std 0.01, test accuracy {pct(s['test_accuracy'])}), {x['final_smoothed']:.3f} "
             f"(Xavier, {pct(x['test_accuracy'])}) and {h['final_smoothed']:.3f} (He, "
             f"{pct(h['test_accuracy'])}); it falls below 1 {at(h['below_1_at'], 'with He')}, "
             f"{at(x['below_1_at'], 'with Xavier')}.",
             "agrees" if ok else "disagrees")]


def bn_findings(js):
    sc = js["scales"]
    plain = [x["scale"] for x in sc if x["final_plain"] > 0.5]
    bn = sum(x["final_bn"] > 0.5 for x in sc)
    n = len(sc)
    early = ("" if js["bn_ahead_epoch"] >= js["epochs"] else
             f" (after {js['bn_ahead_epoch']} epochs: {js['bn_ahead']})")
    return [("6-18", "batch normalisation", ["batchnorm"],
             "With batch normalisation the net learns faster at almost every initial scale, and "
             "it learns at scales where the plain net does not learn at all.",
             f"After {js['epochs']} epochs batch norm is ahead at {js['bn_better_final']} of {n} "
             f"scales{early}; mean training accuracy {js['mean_final_bn']:.2f} with, "
             f"{js['mean_final_plain']:.2f} without. The plain net passes 50 % at {len(plain)} "
             f"scale{'s' if len(plain) != 1 else ''}"
             + (f" ({', '.join(f'{v:.3g}' for v in plain)})" if plain else "")
             + f", the batch-norm net at {bn}.",
             "agrees" if js["bn_better_final"] >= 0.75 * n else
             "partly" if js["bn_better_final"] > n / 2 else "disagrees")]


def overfit_findings(js, exp):
    off, on = js["runs"]
    what = "λ = 0.1" if exp == "weight_decay" else "dropout 0.2"
    book = ("Without weight decay the training accuracy reaches 100 % and the test accuracy stays far "
            "below it (overfitting); with λ = 0.1 the gap narrows and training accuracy stays below "
            "100 %.") if exp == "weight_decay" else (
            "Dropout narrows the gap between training and test accuracy, and the training accuracy "
            "no longer reaches 100 %.")
    full = off["full_train_epoch"]
    meas = (f"Mean of the last 10 of {js['epochs']} epochs, without: training {pct(off['last10_train'])}, "
            f"test {pct(off['last10_test'])} (gap {pct(off['gap'])}"
            + (f"; 100 % training accuracy first at epoch {full}" if full >= 0 else "") + f"); with {what}: "
            f"training {pct(on['last10_train'])}, test {pct(on['last10_test'])} (gap {pct(on['gap'])}).")
    narrower = on["gap"] < off["gap"]
    lost = on["last10_test"] < off["last10_test"] - 0.02
    verdict = ("agrees" if narrower and not lost and off["last10_train"] > 0.98 else
               "partly" if narrower else "disagrees")
    if narrower and lost:
        meas += (f" The gap narrows, but test accuracy falls by "
                 f"{100 * (off['last10_test'] - on['last10_test']):.1f} points.")
    fig = "6-20, 6-21" if exp == "weight_decay" else "6-22, 6-23"
    title = "overfitting and weight decay" if exp == "weight_decay" else "dropout"
    return [(fig, title, [exp], book, meas, verdict)]


def trials(d):
    rows = []
    try:
        with open(os.path.join(d, "hyper_trials.dat"), encoding="utf-8") as f:
            for ln in f:
                if ln.strip() and not ln.startswith("#"):
                    rank, t, lr, wd, val, tr = ln.split()
                    rows.append((float(lr), float(wd), float(val)))
    except (OSError, ValueError):
        pass
    return rows


def corr(xs, ys):
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    return sxy / (sx * sy) if sx and sy else None


def hyper_findings(js, d):
    top = {r["top"]: r for r in js["ranges"]}
    t5 = top.get(5) or js["ranges"][0]
    lr_ok = t5["lr"][0] >= 1e-3 and t5["lr"][1] <= 1e-2
    wd_ok = t5["weight_decay"][1] <= 1e-6
    rows = trials(d)
    good = [r for r in rows if r[0] >= 1e-3]
    c = corr([math.log10(r[1]) for r in good], [r[2] for r in good])
    meas = (f"The best {t5['top']} of {js['trials']} trials (validation accuracy {t5['val'][0]:.2f}–"
            f"{t5['val'][1]:.2f}) have lr {t5['lr'][0]:.2g}–{t5['lr'][1]:.2g} and weight decay "
            f"{t5['weight_decay'][0]:.2g}–{t5['weight_decay'][1]:.2g}; no trial with lr < 1e-4 passes "
            f"{js['best_val_lr_below_1e-4']:.2f}.")
    if c is not None:
        meas += (f" Among the {len(good)} trials with lr ≥ 1e-3 the validation accuracy hardly "
                 f"depends on the weight decay (correlation with its log {c:+.2f})"
                 if abs(c) < 0.3 else
                 f" Among the {len(good)} trials with lr ≥ 1e-3, validation accuracy and log weight "
                 f"decay correlate at {c:+.2f}") + "."
    return [("6-24", "hyperparameter search", ["hyper"],
             "The good values lie at a learning rate of about 0.001–0.01 and a weight decay of "
             "about 1e-8–1e-6; the search narrows to that region next.",
             meas, "agrees" if lr_ok and wd_ok else "partly" if lr_ok else "disagrees")]


def findings(d):
    """Every figure whose data is in d: (figure, title, [experiment or act name], book,
    measured, verdict)."""
    out = []
    for exp, fn in [("activations", act_findings), ("init", init_findings),
                    ("batchnorm", bn_findings),
                    ("weight_decay", lambda js: overfit_findings(js, "weight_decay")),
                    ("dropout", lambda js: overfit_findings(js, "dropout")),
                    ("hyper", lambda js: hyper_findings(js, d))]:
        js = load(d, exp)
        if js is None:
            out.append((exp, None))
            continue
        try:
            out += [(exp, f) for f in fn(js)]
        except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError) as e:
            out.append((exp, ("?", f"{exp}: unreadable data ({e})", [], "", "", "")))
    return out


def chart_files(exp, keys):
    if exp == "activations":
        return [c for c in CHARTS[exp] if any(c[0].endswith(f"_{k}.png") for k in keys)]
    return CHARTS[exp]


def seeds(d, exp):
    js = load(d, exp) or {}
    return ", ".join(f"{k} {v}" for k, v in js.get("seeds", {}).items())


def timing(d):
    try:
        with open(os.path.join(d, "timings.txt"), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def section(d, img_dir=None):
    parts = ["<h2 id='chapter6'>Chapter 6, reproduced</h2>",
             "<p>The book's figures 6-10 to 6-24 re-run on optbench's kernels with Fashion-MNIST "
             "(<code>make figures</code>, <code>scripts/figures.sh</code>, "
             "<code>experiments/figures/</code>): weights from <code>ob_init_weights</code>, updates "
             "through <code>ob_optimizer</code> (SGD; weight decay as "
             "<code>ob_hparams.weight_decay</code> on the weight matrices only, as the book), dropout "
             "of the book's kind through <code>ob_dropout_*</code>, batch normalisation through "
             "<code>ob_batchnorm_*</code>, matrix products with OpenBLAS. Each figure: what the book "
             "finds (on MNIST), what was measured here, and whether the two agree. Every number is "
             "read from this run's data.</p>"]
    t = timing(d)
    if t:
        parts.append(f"<p>Run time: {esc(t)}</p>")
    done = set()
    for exp, f in findings(d):
        if f is None:
            if exp not in done:
                parts.append(f"<h3>{esc(exp)}</h3><p><i>no data: the experiment did not run or "
                             f"failed ({esc(JSON[exp])} missing)</i></p>")
            done.add(exp)
            continue
        fig, title, keys, book, meas, verdict = f
        parts.append(f"<h3>Figure{'s' if ',' in fig else ''} {esc(fig)}: {esc(title)}</h3>")
        for name, _, _ in chart_files(exp, keys):
            src = os.path.join(d, name)
            if img_dir is not None:
                if not os.path.exists(src):
                    parts.append(f"<p><i>chart {esc(name)} missing (gnuplot failed or did not run)</i></p>")
                    continue
                if os.path.abspath(img_dir) != os.path.abspath(d):
                    shutil.copyfile(src, os.path.join(img_dir, name))
            parts.append(f"<img src='{esc(name)}' alt='figure {esc(fig)}: {esc(title)}'>")
        parts.append(f"<p><b>The book:</b> {esc(book)}<br><b>Measured here:</b> {esc(meas)}"
                     f"<br><b>Verdict:</b> {esc(verdict)}. <small>Seeds: {esc(seeds(d, exp))}.</small></p>")
    return "\n".join(parts)


def find_dir(res):
    """The figures folder for a results folder: RESULTS/figures, else BUILD/figures when
    RESULTS is BUILD/results/<time> (where `make figures` writes); None if neither has data."""
    res = os.path.abspath(res)
    cands = [os.path.join(res, "figures")]
    if os.path.basename(os.path.dirname(res)) == "results":
        cands.append(os.path.join(os.path.dirname(os.path.dirname(res)), "figures"))
    for c in cands:
        if os.path.isdir(c) and any(os.path.exists(os.path.join(c, j)) for j in JSON.values()):
            return c
    return None


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>optbench: chapter 6, reproduced</title>
<style>
body { font-family: sans-serif; max-width: 1150px; margin: 2em auto; color: #222; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
code { background: #f6f6f6; padding: 0 0.2em; }
</style>
<script>
// Marks images that did not load, for plots/check_report.sh.
window.addEventListener("load", function () {
  var bad = [];
  document.querySelectorAll("img").forEach(function (img) {
    if (!img.complete || img.naturalWidth === 0) { img.setAttribute("data-broken", "1"); bad.push(img.getAttribute("src")); }
  });
  document.body.setAttribute("data-images", bad.length ? "broken: " + bad.join(" ") : "ok");
});
</script></head><body>
"""


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "--charts" and a[1] in CHARTS:
        for name, script, var in CHARTS[a[1]]:
            print(name, script, var)
        return
    if len(a) == 2 and a[0] == "--summary" and os.path.isdir(a[1]):
        for exp, f in findings(a[1]):
            if f is None:
                print(f"figures: {exp}: no data")
            else:
                print(f"figures: figure {f[0]} ({f[5]}): {f[4]}")
        return
    if len(a) != 1 or not os.path.isdir(a[0]):
        print("usage: figures_report.py FIGURES_DIR | --charts EXPERIMENT | --summary FIGURES_DIR",
              file=sys.stderr)
        sys.exit(2)
    path = os.path.join(a[0], "index.html")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(PAGE + section(a[0], a[0]) + "\n</body></html>\n")
    os.replace(path + ".tmp", path)
    print(f"figures_report.py: {path}")


if __name__ == "__main__":
    main()
