# Figure 6-18 of the book: training accuracy with and without batch normalisation for 16
# initial weight scales (1 ... 1e-4), a 4 x 4 grid.
# Data from `optbench_figures batchnorm`: datadir/bn_<k>.dat, k = 1..16 (epoch
# train_accuracy_batchnorm train_accuracy_plain; the header names the scale).
# usage: gnuplot -e "datadir='DIR'; out='FILE.png'" plots/fig_bn.gp
if (!exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"datadir='FIGURES_DIR'; out='FILE.png'\" fig_bn.gp"; exit status 2
}
file(k) = sprintf("%s/bn_%d.dat", datadir, k)
exists_file(p) = system("[ -f '".p."' ] && echo 1 || echo 0") + 0
scale(k) = system("sed -n '1s/.*weight scale \\([^,]*\\),.*/\\1/p' '".file(k)."'")
if (!exists_file(file(1))) { print sprintf("fig_bn.gp: no bn_<k>.dat in %s", datadir); exit status 1 }
n = system("sed -n '1s/.*, \\([0-9]*\\) training images.*/\\1/p' '".file(1)."'")
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1400,1100 font "sans,10" linewidth 1
} else {
    set terminal png enhanced size 1400,1100
}
set output out
set multiplot layout 4,4 title sprintf("Figure 6-18: training accuracy with batch normalisation (solid blue) and without (dashed orange), for 16 initial weight scales W\n{/*0.9 %s Fashion-MNIST training images, 784-(100 x 5)-10 ReLU, SGD lr 0.01, batches of 100; both nets start from the same weights}", n) font ",12"
set yrange [0:1]
set grid lc rgb "#e5e5e5"
do for [k=1:16] {
    set title sprintf("W: %s", scale(k))
    if ((k - 1) % 4 == 0) { set ylabel "accuracy"; set format y "%g" } else { unset ylabel; set format y "" }
    if (k > 12) { set xlabel "epochs"; set format x "%g" } else { unset xlabel; set format x "" }
    if (exists_file(file(k))) {
        plot file(k) using 1:2 with lines lw 2 lc rgb "#1f77b4" notitle, \
             file(k) using 1:3 with lines lw 2 dt 2 lc rgb "#ff7f0e" notitle
    } else {
        set label 1 "missing" at graph 0.5, 0.5 center
        plot NaN notitle
        unset label 1
    }
}
unset multiplot
