# Figure 6-24 of the book: the validation (solid) and training (dashed) accuracy of the best 20
# of the random-search trials, best first, in a 4 x 5 grid.
# Data from `optbench_figures hyper`: datadir/hyper_best_<r>.dat, r = 1..20 (epoch
# val_accuracy train_accuracy; the header names the trial, lr and weight decay).
# usage: gnuplot -e "datadir='DIR'; out='FILE.png'" plots/fig_hyper.gp
if (!exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"datadir='FIGURES_DIR'; out='FILE.png'\" fig_hyper.gp"; exit status 2
}
file(r) = sprintf("%s/hyper_best_%d.dat", datadir, r)
exists_file(p) = system("[ -f '".p."' ] && echo 1 || echo 0") + 0
if (!exists_file(file(1))) { print sprintf("fig_hyper.gp: no hyper_best_<r>.dat in %s", datadir); exit status 1 }
# as %e: gnuplot's real() refuses "1e-05", a number without a decimal point
field(r, what) = system("sed -n '1s/.*".what." \\([^,]*\\).*/\\1/p' '".file(r)."' | awk '{ printf \"%.12e\", $1 }'")
trials = system("awk '!/^#/' '".datadir."/hyper_trials.dat' 2>/dev/null | wc -l") + 0
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1500,1050 font "sans,10" linewidth 1
} else {
    set terminal png enhanced size 1500,1050
}
set output out
set multiplot layout 4,5 title sprintf("Figure 6-24: the best 20 of %d random-search trials (lr = 10^{U(-6,-2)}, weight decay = 10^{U(-8,-4)}), by final validation accuracy\n{/*0.9 solid: validation accuracy, dashed: training accuracy, against epochs; 400 training and 100 validation Fashion-MNIST images}", trials) font ",12"
set yrange [0:1]
set grid lc rgb "#e5e5e5"
do for [r=1:20] {
    if ((r - 1) % 5 == 0) { set format y "%g" } else { set format y "" }
    if (exists_file(file(r))) {
        set title sprintf("Best-%d\n{/*0.85 lr %.2g, weight decay %.2g}", r, real(field(r, "lr")), real(field(r, "weight decay")))
        plot file(r) using 1:2 with lines lw 2 lc rgb "#1f77b4" notitle, \
             file(r) using 1:3 with lines lw 1.5 dt 2 lc rgb "#ff7f0e" notitle
    } else {
        set title sprintf("Best-%d: no trial", r)
        plot NaN notitle
    }
}
unset multiplot
