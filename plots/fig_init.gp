# Figure 6-15 of the book: training loss of the 784-100-100-100-100-10 ReLU net with SGD
# (lr 0.01, batch 128) from weights of stddev 0.01, Xavier and He.
# Data from `optbench_figures init`: datadir/init_<name>.dat (iteration loss smoothed).
# usage: gnuplot -e "datadir='DIR'; out='FILE.png'" plots/fig_init.gp
if (!exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"datadir='FIGURES_DIR'; out='FILE.png'\" fig_init.gp"; exit status 2
}
all = "std0.01 xavier he"
array label[3] = ["std=0.01", "Xavier", "He"]
array colour[3] = ["#1f77b4", "#ff7f0e", "#2ca02c"]
array faint[3] = ["#b4cfe6", "#ffd3ab", "#b8e0b8"]
file(i) = datadir."/init_".word(all, i).".dat"
exists_file(p) = system("[ -f '".p."' ] && echo 1 || echo 0") + 0
idx = ""
iters = 0
do for [i=1:3] {
    if (exists_file(file(i))) {
        idx = idx." ".i
        stats file(i) using 1 nooutput
        iters = STATS_max > iters ? STATS_max : iters
    }
}
if (words(idx) == 0) { print sprintf("fig_init.gp: no init_<name>.dat in %s", datadir); exit status 1 }
k(j) = int(word(idx, j))
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,650 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,650
}
set output out
set title "Figure 6-15: the 784-100-100-100-100-10 ReLU net on Fashion-MNIST from three weight initialisations\n{/*0.85 SGD lr 0.01, batches of 128, the same batches and normal numbers for all three (only the scale differs)}\n{/*0.85 lines: the loss smoothed as the book's smooth\\_curve; dots: each mini-batch after its update}"
set xlabel "iteration"
set ylabel "training loss (cross-entropy per image, nats)"
set xrange [0:iters]
set yrange [0:2.5]
set grid lc rgb "#dddddd"
set key top right box opaque
plot for [j=1:words(idx)] file(k(j)) using 1:2 with points pt 7 ps 0.25 lc rgb faint[k(j)] notitle, \
     for [j=1:words(idx)] file(k(j)) using 1:3 with lines lw 2.5 lc rgb colour[k(j)] title label[k(j)]
