# Figures 6-10 to 6-14 of the book: the activations of each of 5 layers of 100 units
# (1000 inputs of 100 standard normals), one histogram per layer, for one pairing of an
# activation function and a weight initialisation.
# Data from `optbench_figures activations`: datadir/act_<name>.dat (bin_lo bin_hi
# count_layer1..5; the header names the figure, activation, init and stddev) and
# datadir/act_<name>_stats.dat (layer mean std edge above slope).
# usage: gnuplot -e "datadir='DIR'; name='sigmoid_std1'; out='FILE.png'" plots/fig_act.gp
if (!exists("datadir") || !exists("out") || !exists("name")) {
    print "usage: gnuplot -e \"datadir='FIGURES_DIR'; name='sigmoid_std1'; out='FILE.png'\" fig_act.gp"; exit status 2
}
f = datadir."/act_".name.".dat"
st = datadir."/act_".name."_stats.dat"
if (system("[ -f '".f."' ] && [ -f '".st."' ] && echo 1 || echo 0") + 0 == 0) {
    print sprintf("fig_act.gp: %s or its _stats.dat missing", f); exit status 1
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1500,400 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1500,400
}
set output out

# "# figure 6-10: sigmoid, weights std (stddev 1), 1000 inputs x 100 ..." -> title
head = system("sed -n '1s/^# figure \\(.*\\)/Figure \\1/p' '".f."'")
is_relu = strstrt(name, "relu") > 0
is_tanh = strstrt(name, "tanh") > 0
# (printed as %e: gnuplot's real() refuses "1e-05", a number without a decimal point)
layer_stat(l, col) = real(system(sprintf("awk '!/^#/ && $1 == %d { printf \"%%.12e\", $%d }' '%s'", l, col, st)))
edge_what = is_relu ? "the share of exact zeros (not drawn) and of values above 1 (outside the range)" : \
            is_tanh ? "the share with |y| > 0.98" : "the share within 0.02 of 0 or 1"

ymax = 0
do for [c=3:7] { stats f using c nooutput; ymax = STATS_max > ymax ? STATS_max : ymax }
stats f using 1 nooutput
lo = STATS_min
binw = 1.0 / 30 * (1 - lo)

set multiplot layout 1,5 title sprintf("%s\n{/*0.85 histogram of each layer's activations (30 bins, as the book draws them); under each title: their standard deviation and %s}", head, edge_what) font ",12"
set style fill solid 0.75 border rgb "#1f4e79"
set boxwidth binw absolute
set xrange [lo:1]
set yrange [0:ymax * 1.08]
set xtics lo, (1 - lo) / 2, 1
set format x "%g"
set grid ytics lc rgb "#e0e0e0"
do for [l=1:5] {
    set title sprintf("%d-layer\n{/*0.85 std %.3g, %.1f %%%s}", l, layer_stat(l, 3), 100 * layer_stat(l, 4), \
                      is_relu ? sprintf(", > 1: %.1f %%", 100 * layer_stat(l, 5)) : "")
    if (l == 1) { set ylabel "count"; set format y "%g" } else { unset ylabel; set format y "" }
    plot f using (($1 + $2) / 2):(column(2 + l)) with boxes lc rgb "#4a90d9" notitle
}
unset multiplot
