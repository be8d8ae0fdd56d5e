# Figure 6-8 of the book: 30 steps of each optimizer on f(x, y) = x^2/20 + y^2 from (-7, 2),
# one panel per algorithm: the contour lines of f, the path (points joined), the minimum (+).
# Data from `optbench_convergence trajectory`: datadir/traj_<algo>.dat (step x y f; the header
# names the learning rate and the variant that computed the path), datadir/traj_contour.dat.
# The rules, their names and the book's rates come from rules='FILE.gp' (default
# datadir/rules.gp), which `scripts/obinfo.py gnuplot` writes from `optbench info --json`.
# usage: gnuplot -e "datadir='OUT'; out='conv_trajectories.png'[; rules='rules.gp']" plots/traj.gp
# optional: note='text' adds a line under the title (e.g. the golden-trajectory check).
if (!exists("datadir") || !exists("out")) {
    print "usage: gnuplot -e \"datadir='CONVERGENCE_DIR'; out='FILE.png'\" traj.gp"; exit status 2
}
if (!exists("note")) { note = "" }
if (!exists("rules")) { rules = datadir."/rules.gp" }
if (!(system("[ -f '".rules."' ] && echo 1 || echo 0") + 0)) {
    print sprintf("traj.gp: %s missing (scripts/obinfo.py gnuplot DIR %s writes it)", rules, rules); exit status 1
}
load rules
nrows = ceil(nrules/3.0)
H = 60 + 400*nrows  # 860 pixels for two rows of panels; the margins below keep their pixels
# the golden-path check, when scripts/convergence.sh kept the program's output
chk = datadir."/trajectory.txt"
if (note eq "" && system("[ -f '".chk."' ] && echo 1 || echo 0") + 0) {
    n_ok = system("grep -c 'all variants agree' '".chk."'") + 0
    n_all = system("grep -c 'golden trajectory' '".chk."'") + 0
    nv = system("sed -n 's|.*: \\([0-9]*\\)/\\([0-9]*\\) variants follow.*|\\2|p' '".chk."' | head -n 1")
    note = n_ok == n_all && n_all == nrules ? sprintf("every path checked on all %s variants: each follows the golden trajectory (exact arithmetic) within its error bound", nv) \
         : n_ok == n_all ? sprintf("GOLDEN-PATH CHECK INCOMPLETE: it ran for %d of the %d rules (see trajectory.txt)", n_all, nrules) \
                         : sprintf("GOLDEN-PATH CHECK FAILED for %d of %d rules (see trajectory.txt)", n_all - n_ok, n_all)
}
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo enhanced size 1500,H font "sans,11" linewidth 1
} else {
    set terminal png enhanced size 1500,H
}
set output out

# The library's rule order (rules.gp); a missing file gets an empty panel saying so.
# Colours and point types cycle for a list longer than the palette.
array lc[10] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
array pt[10] = [7, 5, 9, 13, 11, 15, 4, 6, 8, 10]
pal(i) = (i - 1) % 10 + 1
file(i) = datadir."/traj_".word(algos, i).".dat"
exists_file(p) = system("[ -f '".p."' ] && echo 1 || echo 0") + 0
# "... lr 0.949999988, variant avx512+omp": the header's learning rate and variant
header(p, what) = system("sed -n '1s/.* ".what." \\([^, ]*\\).*/\\1/p' '".p."' 2>/dev/null")

f(x, y) = x**2/20.0 + y**2
variant = ""
do for [i=1:nrules] { if (variant eq "" && exists_file(file(i))) { variant = header(file(i), "variant") } }

# The contour lines, once, into a datablock (from the program's grid if it is there).
set contour base
unset surface
set cntrparam linear
set cntrparam levels discrete 0.25, 0.5, 1, 2, 3, 4, 5, 6, 7
set table $contours
if (exists_file(datadir."/traj_contour.dat")) {
    splot datadir."/traj_contour.dat" using 1:2:3 with lines notitle
} else {
    set xrange [-10:10]; set yrange [-5:5]; set isosamples 201, 101
    splot f(x, y) with lines notitle
}
unset table
unset contour
set surface

set multiplot layout nrows,3 spacing 0.06,112.0/H margins 0.05,0.98,69.0/H,1 - 120.0/H \
    title sprintf("Figure 6-8: 30 steps of each optimizer on f(x, y) = x^2/20 + y^2 from (-7, 2)\n{/*0.85 the book's learning rates; paths computed by the library (variant %s); grey lines: f = 0.25, 0.5, 1, 2 … 7; + the minimum (0, 0)}%s", variant eq "" ? "?" : variant, note eq "" ? "" : "\n{/*0.85 ".note."}") font ",13"
set xrange [-10:10]
set yrange [-5:5]
set xtics 2.5
set ytics 2.5
set mxtics 2
set xlabel "x" offset 0,0.5
set ylabel "y" offset 1.5,0
set grid xtics ytics lc rgb "#eeeeee"
set key off
do for [i=1:nrules] {
    p = file(i)
    have = exists_file(p)
    lr_s = have ? header(p, "lr") : ""
    lr = lr_s eq "" ? traj_lr[i] : real(lr_s)
    unset label
    if (have) {
        stats p using 4 every ::30::30 nooutput
        fend = STATS_max
        stats p using 2 every ::30::30 nooutput
        xend = STATS_max
        stats p using 3 every ::30::30 nooutput
        yend = STATS_max
        set label 1 sprintf("after 30 steps: (%.3g, %.3g), f = %.3g", xend, yend, fend) \
            at graph 0.02, graph 0.05 left font ",9" front boxed
        set title sprintf("%s, lr %.3g", name[i], lr) font ",12"
        plot $contours using 1:2 with lines lc rgb "#a8a8a8" lw 1 notitle, \
             p using 2:3 with linespoints lc rgb lc[pal(i)] pt pt[pal(i)] ps 0.8 lw 1.5 notitle, \
             "+" using (0):(0) every ::0::0 with points lc rgb "#000000" pt 1 ps 3 lw 2.5 notitle
    } else {
        set title sprintf("%s, lr %.3g: no data (traj_%s.dat missing)", name[i], lr, word(algos, i)) font ",12" noenhanced
        plot $contours using 1:2 with lines lc rgb "#a8a8a8" lw 1 notitle, \
             "+" using (0):(0) every ::0::0 with points lc rgb "#000000" pt 1 ps 3 lw 2.5 notitle
    }
}
unset multiplot
