# sssim timeline: one row per StatefulSet identity (web-0 at the top), its Pod objects as
# bars coloured by phase with the node written on each, faults and operator actions as
# labelled dashed lines.
#   gnuplot -e "datafile='DIR/timeline.dat'; outfile='DIR/timeline.png'; fmt='png'" timeline.gp
# fmt is png (pngcairo when available), svg or dumb (text). The data file is written by
# sssim (see src/observe/plot.c for its blocks). Default size 1000x400; taller with more
# than 6 rows; override with -e "width=...; height=...".

if (!exists("datafile")) datafile = 'timeline.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'timeline.' . (fmt eq 'dumb' ? 'txt' : fmt)

# index 0: end nrows nmarks title
stats datafile index 0 using (t_end = $1, nrows = int($2), nmarks = int($3), \
                              t_title = strcol(4), 1) nooutput

# index 4: the marks, read before any range is set (stats obeys the ranges).
array mark_at[nmarks > 0 ? nmarks : 1]
array mark_label[nmarks > 0 ? nmarks : 1]
do for [i = 1 : nmarks] {
    stats datafile index 4 every ::(i - 1)::(i - 1) \
        using (mark_at[i] = $1, mark_label[i] = strcol(3), 1) nooutput
}

if (!exists("width")) width = 1000
if (!exists("height")) height = nrows > 6 ? 160 + 40 * nrows : 400

# gnuplot 5.4 has no "else if": nested blocks.
if (fmt eq 'svg') {
    set terminal svg size width, height dynamic noenhanced font 'sans,11' \
        background rgb 'white'
} else {
    if (fmt eq 'dumb') {
        set terminal dumb size 120, (nrows > 6 ? 16 + 2 * nrows : 30) noenhanced
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

# The phases, in the order of enum tl_phase (src/observe/timeline.h).
array phase_name[7] = ["Pending", "Attaching", "Multi-Attach wait", "ContainerCreating", \
                       "Running-not-Ready", "Ready", "Terminating"]
array phase_rgb[7] = [0xb0b0b0, 0xf4a259, 0xd62728, 0xffd166, 0x9467bd, 0x2ca02c, 0x555555]

# Long runs read better in minutes.
tscale = t_end > 1200 ? 60.0 : 1.0
set xlabel (tscale > 1 ? 'minutes from the start' : 'seconds from the start')
# A run of no length (until 0) still gets an axis: gnuplot refuses an empty range.
set xrange [0 : (t_end > 0 ? t_end : 1) / tscale]
set xtics nomirror out
set mxtics

# Rows count down from the top; a band above the first row holds the fault labels
# (up to three staggered levels).
levels = nmarks < 3 ? nmarks : 3
band = levels > 0 ? 0.1 + 0.35 * levels : 0.0
set yrange [nrows - 0.5 : -0.5 - band]
set ytics nomirror scale 0
set grid xtics lc rgb '#dddddd'
set title t_title
set key outside bottom center horizontal reverse Left samplen 1 width 1 font ',9'
set bmargin 6

do for [i = 1 : nmarks] {
    set arrow from mark_at[i] / tscale, graph 0 to mark_at[i] / tscale, graph 1 nohead \
        dt 2 lw 1.5 lc rgb '#000000' front
    set label mark_label[i] at mark_at[i] / tscale, (-0.6 - 0.35 * ((i - 1) % 3)) left \
        offset 0.4, 0 tc rgb '#000000' front
}

set style textbox opaque fillcolor rgb '#ffffff' noborder margins 1, 1
set style fill solid 1.0 noborder

if (nrows == 0) {
    set label 'no StatefulSet pods in this run' at graph 0.5, graph 0.5 center
    set yrange [0 : 1]
    plot NaN notitle
} else {
    plot datafile index 2 using (($2 + $3) / 2 / tscale) : 1 : (($3 - $2) / 2 / tscale) : (0.3) \
             : (phase_rgb[int($4) + 1]) with boxxyerror lc rgb variable notitle, \
         datafile index 1 using (0) : 1 : ytic(2) with points pt -1 ps 0 notitle, \
         datafile index 3 using (($2 + $3) / 2 / tscale) : 1 : 4 with labels boxed \
             font ',9' tc rgb '#000000' notitle, \
         for [k = 1 : 7] keyentry with boxes fc rgb phase_rgb[k] title phase_name[k]
}
