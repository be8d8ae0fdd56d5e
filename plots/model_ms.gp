# The whole-model step, Adam: optbench's best variant (list call and object)
# against PyTorch and DeepSpeed, ms per step by list, log scale.
# usage: gnuplot -e "threads=1; datadir='RESULTS/data'; out='model_ms_t1.png'" plots/model_ms.gp
if (!exists("threads") || !exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"threads=1; datadir='RESULTS/data'; out='FILE.png'\" model_ms.gp"; exit status 2
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1100,600 font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1100,600
}
set output out
f = sprintf("%s/model_ms_t%d.dat", datadir, threads)
set datafile missing "?"
set title sprintf("One Adam step over a whole model, %d thread%s (lower is better)\n{/*0.85 optbench's fastest variant against PyTorch 2.x and DeepSpeed on the same tensor lists, one run}", threads, threads > 1 ? "s" : "")
set ylabel "ms per step (log scale)"
set logscale y
set format y "%g"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -20 nomirror
set grid ytics mytics lc rgb "#dddddd"
set key outside right top box opaque
load sprintf("%s/model_ms_t%d.gp", datadir, threads)
plot for [i=1:ncols] f using (column(i+1)):xtic(1) title col_title(i)
