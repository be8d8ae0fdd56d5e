# Figures 6-20/6-21 (weight decay) and 6-22/6-23 (dropout) of the book: accuracy on the 300
# training images and on the test set against epochs, without (left) and with (right).
# Data from `optbench_figures weight_decay|dropout`: datadir/<exp>_0.dat and <exp>_1.dat
# (epoch train_accuracy test_accuracy; the header names the figure and the setting).
# usage: gnuplot -e "datadir='DIR'; exp='weight_decay'; out='FILE.png'" plots/fig_overfit.gp
if (!exists("datadir") || !exists("out") || !exists("exp")) {
    print "usage: gnuplot -e \"datadir='FIGURES_DIR'; exp='weight_decay|dropout'; out='FILE.png'\" fig_overfit.gp"; exit status 2
}
file(k) = sprintf("%s/%s_%d.dat", datadir, exp, k)
exists_file(p) = system("[ -f '".p."' ] && echo 1 || echo 0") + 0
if (!exists_file(file(0)) && !exists_file(file(1))) { print sprintf("fig_overfit.gp: no %s_<k>.dat in %s", exp, datadir); exit status 1 }
# "# figure 6-20: no weight decay; 300 training images, ..." -> "Figure 6-20: no weight decay"
what(k) = system("sed -n '1s/^# figure \\([^;]*\\);.*/Figure \\1/p' '".file(k)."'")
setup(k) = system("sed -n '1s/^[^;]*; //p' '".file(k)."'")
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1400,560 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1400,560
}
set output out
set multiplot layout 1,2 title sprintf("%s on Fashion-MNIST: accuracy on the training images (circles) and the 10,000 test images (squares)\n{/*0.9 %s}", \
    exp eq "dropout" ? "Dropout" : "Weight decay", setup(exists_file(file(0)) ? 0 : 1)) font ",12"
# the last epoch of each file (before any range is set: stats honours them)
array last_epoch[2] = [0, 0]
do for [k=0:1] { if (exists_file(file(k))) { stats file(k) using 1 nooutput; last_epoch[k + 1] = STATS_max } }
set yrange [0:1.02]
set xlabel "epochs"
set ylabel "accuracy"
set grid lc rgb "#e5e5e5"
set key bottom right box opaque
do for [k=0:1] {
    if (exists_file(file(k))) {
        last = last_epoch[k + 1]
        mark = int(last / 20) > 0 ? int(last / 20) : 1
        set title what(k)
        set xrange [0:last]
        plot file(k) using 1:2 with lines lw 1.5 lc rgb "#1f77b4" notitle, \
             file(k) using 1:2 every mark with points pt 6 ps 1 lc rgb "#1f77b4" title "train", \
             file(k) using 1:3 with lines lw 1.5 lc rgb "#ff7f0e" notitle, \
             file(k) using 1:3 every mark with points pt 4 ps 1 lc rgb "#ff7f0e" title "test"
    } else {
        set title sprintf("%s_%d.dat missing", exp, k)
        plot NaN notitle
    }
}
unset multiplot
