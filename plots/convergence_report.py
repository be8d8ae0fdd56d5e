#!/usr/bin/env python3
"""The report's convergence section, from an optbench_convergence output folder.

section(conv_dir, img_dir=None) returns HTML: figure 6-8 (the paths and the
golden-path check from trajectory.txt), figure 6-9 (loss curves; the final
accuracy table from mnist_summary.md) and the scalar-against-best agreement
(mnist_compare.md, mnist_compare_<algo>.dat). Every number in the prose is read
from those files. The charts are conv_traj.png, conv_loss.png and
conv_agree.png beside the page (plots/make_report.sh and scripts/convergence.sh
draw them); with img_dir given, a chart missing there is said to be missing
instead of shown broken.

Usage: convergence_report.py CONV_DIR   writes CONV_DIR/index.html, a page with
the section alone (scripts/convergence.sh). Standard library only.
"""
import glob
import html
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "scripts"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import obinfo  # noqa: E402  (the rules from `optbench info --json`)

NAMES = {}  # rule name -> title, from the run's info.json (section() fills it)


def esc(x):
    return html.escape(str(x))


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def md_table(text):
    """The first markdown table in text: (header cells, rows of cells), and the other lines."""
    lines = text.splitlines()
    rows = [[c.strip() for c in ln.strip().strip("|").split("|")]
            for ln in lines if ln.startswith("|") and not re.match(r"^\|[-| :]+\|?$", ln.strip())]
    rest = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("|")]
    return (rows[0] if rows else []), rows[1:], rest


def html_table(head, rows):
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows]
    return "\n".join(out) + "</table>"


def fnum(s):
    m = re.match(r"\s*([-+0-9.eE]+)", s or "")
    try:
        return float(m.group(1)) if m else None
    except ValueError:
        return None


def img(name, alt, img_dir):
    if img_dir is not None and not os.path.exists(os.path.join(img_dir, name)):
        return f"<p><i>chart {esc(name)} missing (gnuplot failed or did not run)</i></p>"
    return f"<img src='{esc(name)}' alt='{esc(alt)}'>"


TRAJ = re.compile(r"trajectory:\s+(\w+)\s+lr\s+(\S+)\s+(.*?):\s+(\d+)/(\d+) variants follow the golden "
                  r"trajectory \(worst ([\d.]+) of the j x bound allowance, max \|diff\| (\S+)\)(.*?); "
                  r"after 30 steps \((\S+), (\S+)\)")


def trajectories(conv, img_dir):
    parts = ["<h3>Figure 6-8: paths on f(x, y) = x²/20 + y² from (−7, 2)</h3>",
             "<p>30 steps of each rule at the book's learning rates (golden/&lt;algo&gt;.txt, case "
             "<code>book_quadratic</code>). The paths are computed by the library; every supported "
             "variant runs them on its own state and is checked against the golden trajectory "
             "(exact arithmetic): step j may be off by j × the rule's error bound in scale-ULPs.</p>",
             img("conv_traj.png", "figure 6-8: optimizer paths", img_dir)]
    text = read(os.path.join(conv, "trajectory.txt"))
    if text is None:
        parts.append("<p><i>trajectory.txt missing: the golden-path check's output was not kept "
                     "(scripts/convergence.sh saves it).</i></p>")
        return parts
    rows, bad, nvar = [], [], set()
    for ln in text.splitlines():
        m = TRAJ.search(ln)
        if not m:
            continue
        algo, lr, status, ok, nv, worst, maxd, failing, x, y = m.groups()
        nvar.add(int(nv))
        good = ok == nv and "agree" in status
        if not good:
            bad.append(f"{NAMES.get(algo, algo)} ({failing.replace(', failing: ', '').strip() or status})")
        rows.append((NAMES.get(algo, algo), lr, f"{ok}/{nv}", worst, maxd, f"({x}, {y})",
                     "PASS" if good else "FAIL"))
    if not rows:
        parts.append("<p><i>trajectory.txt has no check lines.</i></p>")
        return parts
    if bad:
        parts.append(f"<p><b>Some variants leave the golden trajectory:</b> {esc('; '.join(bad))}.</p>")
    else:
        nv = "/".join(str(n) for n in sorted(nvar))
        parts.append(f"<p>All {esc(nv)} variants follow the golden trajectories of all {len(rows)} "
                     f"rules; the worst error used {max(float(r[3]) for r in rows):.3g} of its allowance.</p>")
    parts.append(html_table(["rule", "lr", "variants on the golden path", "worst error / allowance",
                             "max |x − golden|", "after 30 steps (x, y)", "check"], rows))
    return parts


def seeds(conv):
    for f in sorted(glob.glob(os.path.join(conv, "mnist_loss_*.dat"))):  # all have the same
        text = read(f)
        if text:
            m = re.search(r"init seed (\S+), batch seed (\S+)", text[:400])
            if m:
                return m.group(1).rstrip(","), m.group(2)
    return None


def training(conv, img_dir):
    summ = read(os.path.join(conv, "mnist_summary.md"))
    if summ is None:
        return ["<h3>Figure 6-9: training on Fashion-MNIST</h3>",
                "<p><i>mnist_summary.md missing: the training did not run (is the Debian package "
                "dataset-fashion-mnist installed?).</i></p>"]
    head, rows, rest = md_table(summ)
    sd = seeds(conv)
    parts = ["<h3>Figure 6-9: training on Fashion-MNIST</h3>",
             "<p>The book's <code>optimizer_compare_mnist</code> on Fashion-MNIST: a 784-100-100-100-100-10 "
             "net with ReLU, He initialisation and softmax cross-entropy, mini-batches of 128, each "
             "optimizer through the library's optimizer object; every optimizer starts from the same "
             "weights and sees the same batches"
             + (f" (seeds: weights {esc(sd[0])}, batches {esc(sd[1])})" if sd else "") + ".</p>",
             img("conv_loss.png", "figure 6-9: training loss", img_dir),
             "<p>Final smoothed training loss, accuracy on the 10,000 test images, and time per "
             "iteration (forward, backward and update) and per update alone:</p>",
             html_table(head, rows)] + [f"<p>{esc(r)}</p>" for r in rest]
    try:
        loss = {r[0]: fnum(r[2]) for r in rows}
        acc = {r[0]: fnum(r[3]) for r in rows}
        by_loss = sorted((v, k) for k, v in loss.items() if v is not None)
        by_acc = sorted(((v, k) for k, v in acc.items() if v is not None), reverse=True)
        if by_loss and by_acc:
            order = ", ".join(f"{NAMES.get(k, k)} {v:.3f}" for v, k in by_loss)
            parts.append(
                f"<p><b>Measured:</b> lowest final smoothed loss {esc(NAMES.get(by_loss[0][1], by_loss[0][1]))}, "
                f"highest test accuracy {esc(NAMES.get(by_acc[0][1], by_acc[0][1]))} "
                f"({by_acc[0][0]:.2f} %); by final loss: {esc(order)}. "
                "The book's figure 6-9 (MNIST; SGD, Momentum, AdaGrad and Adam) finds SGD the "
                "slowest, the other three close, AdaGrad a little ahead"
                + (". Here too SGD ends highest.</p>" if by_loss[-1][1] == "sgd" else
                   f"; here {esc(NAMES.get(by_loss[-1][1], by_loss[-1][1]))} ends highest.</p>"))
    except (IndexError, TypeError):
        pass
    return parts


def agreement(conv, img_dir):
    comp = read(os.path.join(conv, "mnist_compare.md"))
    if comp is None:
        return []
    head, rows, rest = md_table(comp)
    parts = ["<h3>Scalar against the best variant, end to end</h3>"]
    verdict = next((r for r in rest if "tolerance" in r), "")
    m = re.search(r"scalar vs (\S+) over (\d+) iterations: .* of the smoothed loss (\S+) "
                  r"\(tolerance (\S+) on the smoothed loss\): (\w+)", verdict)
    best, iters, tol = (m.group(1), m.group(2), float(m.group(4))) if m else ("the best variant", "?", None)
    parts.append(
        f"<p>The same training (same seeds, same batches, {esc(iters)} iterations) once with the "
        f"<code>scalar</code> variant and once with <code>{esc(best)}</code>. The tolerance is stated "
        f"on the smoothed loss curves: their largest absolute difference over all iterations must not "
        f"exceed {esc(tol if tol is not None else '?')} (nats of cross-entropy).</p>")
    parts.append(img("conv_agree.png", "scalar against the best variant", img_dir))
    parts += [html_table(head, rows)] + [f"<p>{esc(r)}</p>" for r in rest]
    if tol is None or not rows or len(rows[0]) < 6:
        return parts
    within, beyond = [], []
    for r in rows:
        sm = fnum(r[2])
        (within if sm is not None and sm <= tol else beyond).append((r, sm))
    why = (f"<code>{esc(best)}</code> uses fused multiply-adds where <code>scalar</code> rounds "
           "twice, so some updates differ in the last bit (both variants pass the golden vectors "
           "within their bounds). Training amplifies a last-bit difference: the weights, hence the "
           "next gradients, part a little more each iteration, so the curves are not equal, only close.")
    txt = [f"<p>{why}</p>"]
    if within:
        txt.append("<p>Within the tolerance: " + esc(", ".join(
            f"{NAMES.get(r[0], r[0])} (largest difference {sm:.3g})" for r, sm in within)) + ".</p>")
    for r, sm in beyond:
        name = NAMES.get(r[0], r[0])
        fs, fb = r[3], r[4]
        accs = [a.strip() for a in r[5].split("/")]
        acc_s, acc_b = (accs + ["?", "?"])[:2]
        numbers = (f"the final smoothed loss is {esc(fs)} with scalar and {esc(fb)} with "
                   f"{esc(best)}, the test accuracy {esc(acc_s)} and {esc(acc_b)}")
        if r[0] == "rmsprop":  # what was measured when this rule exceeded it, explained
            lr = next((x[1] for x in md_table(read(os.path.join(conv, "mnist_summary.md")) or "")[1]
                       if x and x[0] == r[0] and len(x) > 1), "?")
            txt.append(
                f"<p><b>{esc(name)} exceeds it</b> (largest difference {sm:.3g}; of the raw loss "
                f"{esc(r[1])}). At lr {esc(lr)} RMSProp's loss has spikes: its step lr·g/√h is large "
                "wherever the running mean h of g² has become small, and whether a spike happens at a "
                "given iteration depends on the exact weights. A last-bit difference moves the spikes "
                "in time, so the two curves separate where one spikes and the other does not, while "
                f"both still train: {numbers}. This is a property of the rule at that rate, not an "
                "error in either variant.</p>")
        else:
            txt.append(f"<p><b>{esc(name)} exceeds it</b> (largest difference {sm:.3g}); "
                       f"{numbers}.</p>")
    return parts + txt


def section(conv, img_dir=None):
    """The section's HTML; the rules' titles from conv/info.json, else from the
    results folder above it, else from the build (obinfo.find)."""
    try:
        doc = obinfo.find(conv if os.path.exists(os.path.join(conv, "info.json"))
                          else os.path.dirname(os.path.abspath(conv)))
        NAMES.clear()
        NAMES.update((r["name"], r.get("title") or r["name"]) for r in doc["rules"])
    except obinfo.Error as e:
        print(f"convergence_report.py: warning: {e}; rules named as in the files", file=sys.stderr)
    parts = ["<h2 id='convergence'>Convergence: the book's experiments</h2>",
             "<p>The same update rules judged by what they do rather than how fast: the book's "
             "figures 6-8 and 6-9 re-run through the library's kernels "
             "(<code>make convergence</code>, <code>scripts/convergence.sh</code>).</p>"]
    parts += trajectories(conv, img_dir)
    parts += training(conv, img_dir)
    parts += agreement(conv, img_dir)
    return "\n".join(parts)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>optbench: convergence</title>
<style>
body { font-family: sans-serif; max-width: 1150px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
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
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print("usage: convergence_report.py CONV_DIR", file=sys.stderr)
        sys.exit(2)
    conv = sys.argv[1]
    path = os.path.join(conv, "index.html")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(PAGE + section(conv, conv) + "\n</body></html>\n")
    os.replace(path + ".tmp", path)
    print(f"convergence_report.py: {path}")


if __name__ == "__main__":
    main()
