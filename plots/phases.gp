# sssim pods by phase: how many StatefulSet Pods are in each phase (Pending ... Terminating)
# over the run, stacked (a line per phase in text), with faults and operator actions as
# labelled dashed lines. The view of a cluster too large for the timeline's one row per
# identity.
#   gnuplot -e "datafile='DIR/phases.dat'; outfile='DIR/phases.png'; fmt='png'" phases.gp
# fmt is png (pngcairo when available), svg or dumb (text). The data file is written by
# sssim (see src/observe/plot.c for its blocks). Default size 1000x500.

if (!exists("datafile")) datafile = 'phases.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'phases.' . (fmt eq 'dumb' ? 'txt' : fmt)
if (!exists("width")) width = 1000
if (!exists("height")) height = 500

# index 0: end npoints nmarks peak title
stats datafile index 0 using (t_end = $1, npoints = int($2), nmarks = int($3), \
                              peak = int($4), t_title = strcol(5), 1) nooutput

# index 2: the marks, read before any range is set (stats obeys the ranges).
array mark_at[nmarks > 0 ? nmarks : 1]
array mark_label[nmarks > 0 ? nmarks : 1]
do for [i = 1 : nmarks] {
    stats datafile index 2 every ::(i - 1)::(i - 1) \
        using (mark_at[i] = $1, mark_label[i] = strcol(3), 1) nooutput
}

# gnuplot 5.4 has no "else if": nested blocks.
if (fmt eq 'svg') {
    set terminal svg size width, height dynamic noenhanced font 'sans,11' \
        background rgb 'white'
} else {
    if (fmt eq 'dumb') {
        set terminal dumb size 120, 35 noenhanced
    } else {
        if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
            set terminal pngcairo size width, height noenhanced font 'sans,10' \
                background rgb 'white'
        } else {
            set terminal png size width, height noenhanced background rgb 'white'
        }
    }
}
set output outfile

# The phases, in the order of enum tl_phase (src/observe/timeline.h) and of the columns.
array phase_name[7] = ["Pending", "Attaching", "Multi-Attach wait", "ContainerCreating", \
                       "Running-not-Ready", "Ready", "Terminating"]
array phase_rgb[7] = [0xb0b0b0, 0xf4a259, 0xd62728, 0xffd166, 0x9467bd, 0x2ca02c, 0x555555]

# Long runs read better in minutes.
tscale = t_end > 1200 ? 60.0 : 1.0
set xlabel (tscale > 1 ? 'minutes from the start' : 'seconds from the start')
set ylabel 'StatefulSet Pods'
# A run of no length (until 0) still gets an axis: gnuplot refuses an empty range.
set xrange [0 : (t_end > 0 ? t_end : 1) / tscale]
set xtics nomirror out
set mxtics
set ytics nomirror
set grid xtics ytics lc rgb '#dddddd'
set title t_title
set key outside bottom center horizontal reverse Left samplen 1 width 1 font ',9'
set bmargin 6

# Room above the highest stack for the fault labels (up to three staggered levels).
levels = nmarks < 3 ? nmarks : 3
set yrange [0 : (peak > 0 ? peak : 1) * (1.05 + 0.08 * levels)]
do for [i = 1 : nmarks] {
    set arrow from mark_at[i] / tscale, graph 0 to mark_at[i] / tscale, graph 1 nohead \
        dt 2 lw 1.5 lc rgb '#000000' front
    set label mark_label[i] at mark_at[i] / tscale, graph (0.97 - 0.06 * ((i - 1) % 3)) \
        left offset 0.4, 0 tc rgb '#000000' front
}

if (peak <= 10) set ytics 1

set style fill solid 1.0 noborder
# Ready at the bottom, so that its band reads off the axis; then the others in the order
# of the phases. Band k lies between the sums of the columns of stack[1..k-1] and
# stack[1..k] (column 1 is the time, phase p is column p + 1).
array stack[7] = [6, 1, 2, 3, 4, 5, 7]
bottom(k) = k > 1 ? sum [j = 1 : k - 1] column(stack[j] + 1) : 0
top(k) = sum [j = 1 : k] column(stack[j] + 1)
if (fmt eq 'dumb') {
    # Text fills every band with the same character: draw each phase's count as a line.
    plot for [k = 1 : 7] datafile index 1 using ($1 / tscale) : (column(stack[k] + 1)) \
             with lines title phase_name[stack[k]]
} else {
    plot for [k = 1 : 7] datafile index 1 using ($1 / tscale) : (bottom(k)) : (top(k)) \
             with filledcurves fc rgb phase_rgb[stack[k]] title phase_name[stack[k]]
}
