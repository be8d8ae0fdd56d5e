# Figure 6-9 of the book: training loss against iteration on Fashion-MNIST, one
# line per optimizer (the smoothed loss as a line, the raw loss as faint dots);
# and, if the scalar-vs-best comparison ran, the two variants' smoothed curves.
# Data from `optbench_convergence mnist`: datadir/mnist_loss_<algo>.dat
# (iteration loss smoothed) and datadir/mnist_compare_<algo>.dat.
# usage: gnuplot -e "datadir='OUT'; out='loss.png'" plots/loss.gp
#        gnuplot -e "datadir='OUT'; out='agree.png'; compare=1" plots/loss.gp
if (!exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"datadir='CONVERGENCE_DIR'; out='FILE.png'\" loss.gp"; exit status 2
}
if (!exists("compare")) { compare = 0 }
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,650 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,650
}
set output out
algos = "sgd momentum nesterov adagrad rmsprop adam"
array name[6] = ["SGD, lr 0.01", "Momentum, lr 0.01", "Nesterov, lr 0.01", "AdaGrad, lr 0.01", "RMSProp, lr 0.01", "Adam, lr 0.001"]
array colour[6] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
set xlabel "iteration (mini-batch of 128)"
set grid lc rgb "#dddddd"
set key top right box opaque
if (compare == 0) {
    set title "Figure 6-9: training loss of the 784-100-100-100-100-10 ReLU net on Fashion-MNIST\n{/*0.85 softmax cross-entropy; lines: moving average as the book draws it, dots: each mini-batch}"
    set ylabel "training loss (cross-entropy)"
    set yrange [0:1.5]
    plot for [i=1:6] datadir."/mnist_loss_".word(algos, i).".dat" using 1:2 with dots lc rgb colour[i] notitle, \
         for [i=1:6] datadir."/mnist_loss_".word(algos, i).".dat" using 1:3 with lines lw 2 lc rgb colour[i] title name[i]
} else {
    set title "The same training with the scalar variant (thin) and the best variant (thick)\n{/*0.85 smoothed loss; the curves coincide except where the last-bit differences of fused multiply-adds grow}"
    set ylabel "smoothed training loss"
    set yrange [0:1.5]
    plot for [i=1:6] datadir."/mnist_compare_".word(algos, i).".dat" using 1:5 with lines lw 1 lc rgb colour[i] notitle, \
         for [i=1:6] datadir."/mnist_compare_".word(algos, i).".dat" using 1:6 with lines lw 3 lc rgb colour[i] dt 2 title name[i]
}
