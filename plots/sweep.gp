# sssim sweep: recovery time p50 (solid) and p99 (dashed) against the swept parameter,
# one colour per setting of the other parameters (one line pair with one --set).
#   gnuplot -e "datafile='DIR/sweep-0.dat'; outfile='DIR/sweep-0.png'; fmt='png'" sweep.gp
# fmt is png (pngcairo when available), svg or dumb (text). Default size 1000x500.

if (!exists("datafile")) datafile = 'sweep.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'sweep.' . (fmt eq 'dumb' ? 'txt' : fmt)
if (!exists("width")) width = 1000
if (!exists("height")) height = 500

# index 0: nseries ymax title xlabel; then one block per series, its first line the titles.
stats datafile index 0 using (nseries = int($1), ymax = $2, t_title = strcol(3), \
                              t_xlabel = strcol(4), 1) nooutput

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

set title t_title
set xlabel t_xlabel
set ylabel 'recovery (seconds)'
set yrange [0 : (ymax > 0 ? 1.1 * ymax : 1)]
set grid xtics ytics lc rgb '#dddddd'
set key below
set offsets graph 0.05, graph 0.05, graph 0.05, 0

# The x tics are the values as given ("40s"), placed at their numeric value.
plot for [i = 1 : nseries] datafile index i using 1 : 2 : xtic(4) with linespoints \
         lw 2 pt 7 lc i title columnheader(1), \
     for [i = 1 : nseries] datafile index i using 1 : 3 with linespoints \
         lw 2 pt 6 dt 2 lc i title columnheader(2)
