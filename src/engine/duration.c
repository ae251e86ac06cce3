#include "engine/duration.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define TWO63 (UINT64_C(1) << 63)

/* The parser follows Go's time.ParseDuration (src/time/format.go) step by step, so that a
 * string Kubernetes accepts means the same here: "1.s" and ".5s" are valid, a fraction is
 * scaled through a double exactly as Go does, and "+" is allowed. Unlike Go, any "-" is
 * rejected, even "-0s": a negative latency or period is never meant. */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Go's leadingInt: digits into *x; false on overflow past 2^63. */
static bool leading_int(const char **s, uint64_t *x)
{
    const char *p = *s;
    uint64_t v = 0;
    for (; is_digit(*p); p++) {
        if (v > TWO63 / 10)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > TWO63)
            return false;
    }
    *x = v;
    *s = p;
    return true;
}

/* Go's leadingFraction: digits after the point; precision stops growing on overflow. */
static void leading_fraction(const char **s, uint64_t *x, double *scale)
{
    const char *p = *s;
    uint64_t v = 0;
    double sc = 1;
    bool overflow = false;
    for (; is_digit(*p); p++) {
        if (overflow)
            continue;
        if (v > (TWO63 - 1) / 10) {
            overflow = true;
            continue;
        }
        uint64_t y = v * 10 + (uint64_t)(*p - '0');
        if (y > TWO63) {
            overflow = true;
            continue;
        }
        v = y;
        sc *= 10;
    }
    *x = v;
    *scale = sc;
    *s = p;
}

static uint64_t unit_ns(const char *u, size_t n)
{
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {
        {"ns", 1},
        {"us", 1000},
        {"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
        {"\xce\xbcs", 1000}, /* U+03BC Greek small letter mu */
        {"ms", 1000000},
        {"s", UINT64_C(1000000000)},
        {"m", UINT64_C(60000000000)},
        {"h", UINT64_C(3600000000000)},
    };
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
            return units[i].ns;
    return 0;
}

int duration_parse(const char *s, int64_t *ns, const char **why)
{
    uint64_t d = 0;

    if (*s == '-') {
        *why = "negative duration";
        return -1;
    }
    if (*s == '+')
        s++;
    if (strcmp(s, "0") == 0) {
        *ns = 0;
        return 0;
    }
    if (*s == '\0') {
        *why = "empty duration";
        return -1;
    }
    while (*s != '\0') {
        uint64_t v = 0, f = 0;
        double scale = 1;

        if (!(*s == '.' || is_digit(*s))) {
            *why = "expected a number";
            return -1;
        }
        const char *start = s;
        if (!leading_int(&s, &v)) {
            *why = "duration out of range";
            return -1;
        }
        bool pre = s != start;
        bool post = false;
        if (*s == '.') {
            s++;
            const char *fstart = s;
            leading_fraction(&s, &f, &scale);
            post = s != fstart;
        }
        if (!pre && !post) {
            *why = "expected a number";
            return -1;
        }

        /* The unit is everything up to the next number, as in Go. */
        size_t n = 0;
        while (s[n] != '\0' && s[n] != '.' && !is_digit(s[n]))
            n++;
        if (n == 0) {
            *why = "missing unit (ns, us, ms, s, m or h)";
            return -1;
        }
        uint64_t unit = unit_ns(s, n);
        s += n;
        if (unit == 0) {
            *why = "unknown unit (expected ns, us, ms, s, m or h)";
            return -1;
        }
        if (v > TWO63 / unit) {
            *why = "duration out of range";
            return -1;
        }
        v *= unit;
        if (f > 0) {
            /* Go: a double is precise enough here, f * unit / scale <= 3.6e12. */
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > TWO63) {
                *why = "duration out of range";
                return -1;
            }
        }
        d += v;
        if (d > TWO63) {
            *why = "duration out of range";
            return -1;
        }
    }
    if (d > (uint64_t)INT64_MAX) {
        *why = "duration out of range";
        return -1;
    }
    *ns = (int64_t)d;
    return 0;
}

int duration_from_seconds(double sec, int64_t *ns, const char **why)
{
    if (isnan(sec)) {
        *why = "duration is not a number";
        return -1;
    }
    if (sec < 0) {
        *why = "negative duration";
        return -1;
    }
    double x = sec * 1e9;
    /* 2^63 is exact as a double; every double below it converts without overflow. */
    if (!(x < 9223372036854775808.0)) {
        *why = "duration out of range";
        return -1;
    }
    *ns = llround(x);
    return 0;
}

/* Go's fmtFrac: the fraction v / 10^prec, trailing zeros and a bare point omitted, written
 * backwards ending at buf + w. Returns the new start and sets *v to the integer part. */
static size_t fmt_frac(char *buf, size_t w, uint64_t *v, int prec)
{
    bool print = false;
    for (int i = 0; i < prec; i++) {
        char digit = (char)(*v % 10);
        print = print || digit != 0;
        if (print)
            buf[--w] = (char)('0' + digit);
        *v /= 10;
    }
    if (print)
        buf[--w] = '.';
    return w;
}

static size_t fmt_int(char *buf, size_t w, uint64_t v)
{
    if (v == 0)
        buf[--w] = '0';
    while (v > 0) {
        buf[--w] = (char)('0' + v % 10);
        v /= 10;
    }
    return w;
}

void duration_format(int64_t ns, char *buf, size_t size)
{
    /* Go's Duration.String(), except that microseconds are written "us" rather than "µs"
     * so that every output of the simulator stays ASCII. The longest result is
     * "-2562047h47m16.854775808s". */
    char tmp[32];
    size_t w = sizeof(tmp) - 1;
    tmp[w] = '\0';
    bool neg = ns < 0;
    uint64_t u = neg ? -(uint64_t)ns : (uint64_t)ns;

    if (u < UINT64_C(1000000000)) {
        int prec;
        tmp[--w] = 's';
        if (u == 0) {
            tmp[--w] = '0';
            snprintf(buf, size, "%s", tmp + w);
            return;
        } else if (u < 1000) {
            prec = 0;
            tmp[--w] = 'n';
        } else if (u < 1000000) {
            prec = 3;
            tmp[--w] = 'u';
        } else {
            prec = 6;
            tmp[--w] = 'm';
        }
        w = fmt_frac(tmp, w, &u, prec);
        w = fmt_int(tmp, w, u);
    } else {
        tmp[--w] = 's';
        w = fmt_frac(tmp, w, &u, 9);
        w = fmt_int(tmp, w, u % 60);
        u /= 60;
        if (u > 0) {
            tmp[--w] = 'm';
            w = fmt_int(tmp, w, u % 60);
            u /= 60;
            /* Go stops at hours because days differ in length. */
            if (u > 0) {
                tmp[--w] = 'h';
                w = fmt_int(tmp, w, u);
            }
        }
    }
    if (neg)
        tmp[--w] = '-';
    snprintf(buf, size, "%s", tmp + w);
}

void clock_format(int64_t ns, char *buf, size_t size)
{
    bool neg = ns < 0;
    uint64_t u = neg ? -(uint64_t)ns : (uint64_t)ns;
    uint64_t sec = u / UINT64_C(1000000000);
    uint64_t frac = u % UINT64_C(1000000000);
    unsigned long long h = sec / 3600;
    unsigned m = (unsigned)(sec / 60 % 60);
    unsigned s = (unsigned)(sec % 60);

    /* Milliseconds are truncated, not rounded, so that a time never prints as the next
     * second; the decimals appear whenever the time is not a whole second. */
    if (frac == 0)
        snprintf(buf, size, "%s%02llu:%02u:%02u", neg ? "-" : "", h, m, s);
    else
        snprintf(buf, size, "%s%02llu:%02u:%02u.%03u", neg ? "-" : "", h, m, s,
                 (unsigned)(frac / 1000000));
}
