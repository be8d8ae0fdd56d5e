# Figure 6-9 of the book: training loss against iteration on Fashion-MNIST, one
# line per optimizer (the smoothed loss as a line, the raw loss as faint dots);
# and, if the scalar-vs-best comparison ran, how far the two variants' curves part.
# Data from `optbench_convergence mnist`: datadir/mnist_loss_<algo>.dat
# (iteration loss smoothed), datadir/mnist_summary.md (learning rates), and
# datadir/mnist_compare_<algo>.dat (iteration loss_scalar loss_V absdiff
# smoothed_scalar smoothed_V absdiff), datadir/mnist_compare.md (tolerance).
# The rules, their names and the book's rates come from rules='FILE.gp' (default
# datadir/rules.gp), which `scripts/obinfo.py gnuplot` writes from `optbench info --json`.
# usage: gnuplot -e "datadir='OUT'; out='loss.png'[; rules='rules.gp']" plots/loss.gp
#        gnuplot -e "datadir='OUT'; out='agree.png'; compare=1" plots/loss.gp
# A missing optimizer (mnist --algos) is left out; no data at all is an error.
if (!exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"datadir='CONVERGENCE_DIR'; out='FILE.png'[; compare=1]\" loss.gp"; exit status 2
}
if (!exists("compare")) { compare = 0 }
if (!exists("rules")) { rules = datadir."/rules.gp" }
if (!(system("[ -f '".rules."' ] && echo 1 || echo 0") + 0)) {
    print sprintf("loss.gp: %s missing (scripts/obinfo.py gnuplot DIR %s writes it)", rules, rules); exit status 1
}
load rules
W = compare ? 1500 : 1100
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size W,650 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size W,650
}
set output out

# colours cycle for a list longer than the palette
array colour[10] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
array faint[10] = ["#b4cfe6", "#ffd3ab", "#b8e0b8", "#efb3b3", "#d9c9e8", "#d9c2bc", "#f5c6e6", "#d4d4d4", "#e6e6b0", "#b0e8ef"]
pal(i) = (i - 1) % 10 + 1
exists_file(p) = system("[ -f '".p."' ] && echo 1 || echo 0") + 0
header(p, what) = system("sed -n '1s/.* ".what." \\([^, ]*\\).*/\\1/p' '".p."' 2>/dev/null")
summary_lr(a) = system("awk -F'|' '$2 ~ /^ *".a." *$/ { gsub(/ /, \"\", $3); print $3 }' '".datadir."/mnist_summary.md' 2>/dev/null")
prefix = compare ? "mnist_compare_" : "mnist_loss_"
file(i) = datadir."/".prefix.word(algos, i).".dat"

# which optimizers ran (their index in `algos`), the variant, the iterations, the label
idx = ""
variant = ""
iters = 0
ymin = 1e9
ymax = 0
array label[nrules]
do for [i=1:nrules] {
    if (exists_file(file(i))) {
        idx = idx." ".i
        if (variant eq "") { variant = compare ? system("sed -n '3s/^# iteration loss_scalar loss_\\([^ ]*\\) .*/\\1/p' '".file(i)."'") : header(file(i), "variant") }
        stats file(i) using 1:2 nooutput
        iters = STATS_max_x > iters ? STATS_max_x : iters
        ymin = STATS_min_y < ymin ? STATS_min_y : ymin
        ymax = STATS_max_y > ymax ? STATS_max_y : ymax
    }
    s = summary_lr(word(algos, i))
    label[i] = sprintf("%s, lr %g", name[i], s eq "" ? mnist_lr[i] : real(s))
}
if (words(idx) == 0) { print sprintf("loss.gp: no %s<algo>.dat in %s", prefix, datadir); exit status 1 }
n = words(idx)
k(j) = int(word(idx, j))

# with compare=1 the optimizer whose smoothed curves part the most is drawn on the right
# (before any range is set: stats honours them)
worst = k(1)
wmax = -1
if (compare) {
    do for [j=1:n] {
        stats file(k(j)) using 7 nooutput
        if (STATS_max > wmax) { wmax = STATS_max; worst = k(j) }
    }
}

set xlabel "iteration (one update on a mini-batch of 128 images)"
set xrange [0:iters]
set grid xtics ytics mytics lc rgb "#dddddd"
# The book draws y linearly in [0, 1]. A log scale shows the early descent and the late
# differences at once; the first few iterations (RMSProp's first steps at lr 0.01 reach a
# loss in the hundreds) are above the top and said so.
ytop = 3
ybot = ymin < 0.1 ? 0.05 : 0.1
set logscale y
set yrange [ybot:ytop]
set ytics (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3)
set mytics 1
if (compare == 0) {
    set title sprintf("Figure 6-9: training loss of the 784-100-100-100-100-10 ReLU net on Fashion-MNIST (lower is better)\n{/*0.85 softmax cross-entropy, the same initial weights and batches for every optimizer; variant %s}\n{/*0.85 lines: the smoothed loss as the book draws it; dots: each mini-batch after its update%s}", \
        variant, ymax > ytop ? sprintf(" (the largest, %.3g, is above the top)", ymax) : "")
    set ylabel "training loss (cross-entropy per image, nats; log scale)"
    set key top right box opaque Left reverse samplen 2.5 width 2
    plot for [j=1:n] file(k(j)) using 1:2 with points pt 7 ps 0.3 lc rgb faint[pal(k(j))] notitle, \
         for [j=1:n] file(k(j)) using 1:3 with lines lw 2.5 lc rgb colour[pal(k(j))] title label[k(j)]
} else {
    tol = system("sed -n 's/.*(tolerance \\([0-9.eE+-]*\\) on the smoothed loss).*/\\1/p' '".datadir."/mnist_compare.md' 2>/dev/null")
    tol = tol eq "" ? 0.05 : real(tol)
    floor = 1e-8
    set multiplot layout 1,2 spacing 0.08 title sprintf("The same training with the scalar variant and with %s: how far the loss curves part (%d iterations, same seeds)", variant, iters) font ",13"
    set title sprintf("largest |smoothed loss, scalar - smoothed loss, %s| up to each iteration\n{/*0.85 per optimizer; dashed: the stated tolerance %g; equal curves drawn at %g}", variant, tol, floor)
    set ylabel "absolute difference of the smoothed loss (nats; log scale)"
    set yrange [floor/2:100]
    set ytics auto
    set mytics default
    set format y "10^{%L}"
    set key top left box opaque Left reverse samplen 2.5 width 2 maxrows 2 font ",10"
    set arrow 1 from graph 0, first tol to graph 1, first tol nohead lc rgb "#000000" lw 1.5 dt 2 front
    set label 1 sprintf("tolerance %g", tol) at graph 0.99, first tol*1.5 right front font ",10"
    # running maximum of column 7, restarted at each file's first iteration
    m = 0
    plot for [j=1:n] file(k(j)) using 1:(m = (column(1) == 1 ? 0 : m), m = (column(7) > m ? column(7) : m), m > floor ? m : floor) \
         with lines lw 2.5 lc rgb colour[pal(k(j))] title name[k(j)]
    unset arrow 1
    unset label 1
    set title sprintf("%s, the curves that part most: scalar and %s\n{/*0.85 lines: smoothed loss; dots: each mini-batch (scalar grey, %s coloured)}", label[worst], variant, variant)
    set ylabel "training loss (cross-entropy per image, nats; log scale)"
    set yrange [ybot:ytop]
    set ytics (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3)
    set mytics 1
    set format y "%g"
    set key top right box opaque Left reverse samplen 2.5 width 2 font ",10"
    f = file(worst)
    plot f using 1:2 with points pt 7 ps 0.3 lc rgb "#bbbbbb" notitle, \
         f using 1:3 with points pt 7 ps 0.3 lc rgb faint[pal(worst)] notitle, \
         f using 1:5 with lines lw 1.5 lc rgb "#000000" title "scalar", \
         f using 1:6 with lines lw 1.5 lc rgb colour[pal(worst)] title variant
    unset multiplot
}
