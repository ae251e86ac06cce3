/* Where JSON text first goes wrong, and what was expected there. cJSON says only that a
 * parse failed, at an offset that is sometimes one past the culprit (after a missing string
 * it points behind the character it refused); this scanner runs once cJSON has failed and
 * finds the exact byte. It accepts what cJSON accepts, so it agrees on what is an error.
 * Below it, the checks of the text that cJSON does not make (UTF-8, escaped NULs, inexact
 * integers), the latter two by walking the tree and the text side by side. */
#include "scenario/scenario_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct scanner {
    const char *text;
    size_t len;
    size_t pos;
    int depth;
    const char *expected; /* set at the first error */
};

static bool fail(struct scanner *s, const char *expected)
{
    s->expected = expected;
    return false;
}

static bool at_end(const struct scanner *s)
{
    return s->pos >= s->len;
}

static char peek(const struct scanner *s)
{
    return at_end(s) ? '\0' : s->text[s->pos];
}

/* cJSON skips every byte up to and including the space as whitespace. */
static void skip_space(struct scanner *s)
{
    while (!at_end(s) && (unsigned char)s->text[s->pos] <= 0x20)
        s->pos++;
}

static bool scan_value(struct scanner *s);

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool scan_string(struct scanner *s)
{
    if (peek(s) != '"')
        return fail(s, "a string in double quotes");
    s->pos++;
    while (!at_end(s)) {
        unsigned char c = (unsigned char)s->text[s->pos];
        if (c == '"') {
            s->pos++;
            return true;
        }
        if (c == '\\') {
            s->pos++;
            char e = peek(s);
            if (e == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (s->pos + i >= s->len || !is_hex(s->text[s->pos + i])) {
                        s->pos += (size_t)i;
                        return fail(s, "four hexadecimal digits after \\u");
                    }
                s->pos += 4;
            } else if (e == '\0' || strchr("\"\\/bfnrt", e) == NULL) {
                return fail(s, "an escape such as \\n, \\\" or \\u00e9");
            }
        }
        s->pos++;
    }
    return fail(s, "the closing '\"' of a string");
}

/* cJSON reads a number as the longest run of number characters and hands it to strtod;
 * here a run with at least one digit is accepted, which is as lenient. */
static bool scan_number(struct scanner *s)
{
    size_t start = s->pos;
    bool digit = false;
    while (!at_end(s) && strchr("0123456789+-eE.", s->text[s->pos]) != NULL &&
           s->text[s->pos] != '\0') {
        digit = digit || (s->text[s->pos] >= '0' && s->text[s->pos] <= '9');
        s->pos++;
    }
    if (!digit) {
        s->pos = start;
        return fail(s, "a number");
    }
    return true;
}

static bool scan_literal(struct scanner *s, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++, s->pos++)
        if (at_end(s) || s->text[s->pos] != word[i])
            return fail(s, "a JSON value (a string, number, object, array, true, false or "
                           "null)");
    return true;
}

static bool scan_container(struct scanner *s, char open)
{
    char close = open == '{' ? '}' : ']';
    /* cJSON refuses nesting deeper than CJSON_NESTING_LIMIT; so does this scanner. */
    if (++s->depth > CJSON_NESTING_LIMIT)
        return fail(s, "at most 1000 levels of nesting");
    s->pos++;
    skip_space(s);
    if (peek(s) == close) {
        s->pos++;
        s->depth--;
        return true;
    }
    for (;;) {
        skip_space(s);
        if (open == '{') {
            if (peek(s) != '"')
                return fail(s, "a field name in double quotes");
            if (!scan_string(s))
                return false;
            skip_space(s);
            if (peek(s) != ':')
                return fail(s, "':' after the field name");
            s->pos++;
            skip_space(s);
        }
        if (!scan_value(s))
            return false;
        skip_space(s);
        if (peek(s) == ',' && !at_end(s)) {
            s->pos++;
            continue;
        }
        if (peek(s) == close && !at_end(s)) {
            s->pos++;
            s->depth--;
            return true;
        }
        return fail(s, open == '{' ? "',' or '}'" : "',' or ']'");
    }
}

static bool scan_value(struct scanner *s)
{
    skip_space(s);
    switch (peek(s)) {
    case '{':
    case '[': return scan_container(s, peek(s));
    case '"': return scan_string(s);
    case 't': return scan_literal(s, "true");
    case 'f': return scan_literal(s, "false");
    case 'n': return scan_literal(s, "null");
    default:
        if (peek(s) == '-' || (peek(s) >= '0' && peek(s) <= '9'))
            return scan_number(s);
        return fail(s, "a JSON value (a string, number, object, array, true, false or null)");
    }
}

bool scn_json_locate(const char *text, size_t len, size_t *pos, const char **expected)
{
    struct scanner s = {.text = text, .len = len};
    /* A UTF-8 byte order mark is skipped, as cJSON skips it. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        s.pos = 3;
    if (scan_value(&s)) {
        skip_space(&s);
        if (at_end(&s))
            return false;
        s.expected = "the end of the text after the top-level value";
    }
    *pos = s.pos;
    *expected = s.expected;
    return true;
}

/* --- What cJSON lets through ---------------------------------------------------------- *
 * cJSON copies bytes of strings as they are and decodes into C strings, so three things
 * a valid parse does not guarantee are checked here: that the text is UTF-8 (RFC 8259;
 * outputs quote names from it), that no string holds an escaped NUL (\u0000, at which
 * the decoded string would silently end) and that an integer literal is exactly the
 * double cJSON made of it (9007199254740993 reads as 9007199254740992). */

size_t scn_utf8_check(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        unsigned char b = p[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        /* The ranges of RFC 3629, section 4: the second byte's range rules out overlong
         * forms (after E0, F0), surrogates (after ED) and code points above U+10FFFF
         * (after F4); C0, C1 and F5 to FF never occur. */
        size_t n;
        unsigned char lo = 0x80, hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf)
            n = 1;
        else if (b == 0xe0)
            n = 2, lo = 0xa0;
        else if (b == 0xed)
            n = 2, hi = 0x9f;
        else if (b >= 0xe1 && b <= 0xef)
            n = 2;
        else if (b == 0xf0)
            n = 3, lo = 0x90;
        else if (b >= 0xf1 && b <= 0xf3)
            n = 3;
        else if (b == 0xf4)
            n = 3, hi = 0x8f;
        else
            return i;
        if (len - i <= n || p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= n; k++)
            if ((p[i + k] & 0xc0) != 0x80)
                return i;
        i += n + 1;
    }
    return len;
}

/* Where a value sits, kept on the stack while walking and written out as a JSON path only
 * for an error. */
struct where {
    const struct where *up;
    const char *key; /* NULL for an element of an array */
    size_t index;
};

struct walk {
    struct scn_ctx *c;
    const char *text;
    size_t len;
    size_t pos;
    const char *root; /* the path of the walk's root: "$" or "--set PATH" */
};

static const char *render_path(char *buf, const struct walk *t, const struct where *w)
{
    size_t depth = 0;
    for (const struct where *u = w; u != NULL; u = u->up)
        depth++;
    const struct where **chain = xmalloc((depth > 0 ? depth : 1) * sizeof *chain);
    size_t i = depth;
    for (const struct where *u = w; u != NULL; u = u->up)
        chain[--i] = u;
    snprintf(buf, JP_MAX, "%s", t->root);
    char parent[JP_MAX];
    for (i = 0; i < depth; i++) {
        snprintf(parent, sizeof parent, "%s", buf);
        if (chain[i]->key != NULL)
            jp_key(buf, parent, chain[i]->key);
        else
            jp_index(buf, parent, chain[i]->index);
    }
    free(chain);
    return buf;
}

/* The next string or number literal of the text, from *start to t->pos. cJSON builds the
 * tree in document order, so the n-th string (field names included) or number met by a
 * walk of the tree is the n-th literal here; punctuation, space, true, false and null are
 * skipped. A number is the run of characters cJSON hands to strtod. */
static bool next_literal(struct walk *t, size_t *start)
{
    while (t->pos < t->len) {
        char ch = t->text[t->pos];
        if (ch == '"') {
            *start = t->pos++;
            while (t->pos < t->len && t->text[t->pos] != '"')
                t->pos += t->text[t->pos] == '\\' ? 2 : 1;
            t->pos = t->pos < t->len ? t->pos + 1 : t->len;
            return true;
        }
        if (ch == '-' || (ch >= '0' && ch <= '9')) {
            *start = t->pos;
            while (t->pos < t->len && t->text[t->pos] != '\0' &&
                   strchr("0123456789+-eE.", t->text[t->pos]) != NULL)
                t->pos++;
            return true;
        }
        t->pos++;
    }
    return false;
}

/* An escape \u0000 in the string literal s[0..n) (quotes included); "\\u0000" is an
 * escaped backslash followed by text, not a NUL. */
static bool has_escaped_nul(const char *s, size_t n)
{
    for (size_t i = 1; i + 1 < n; i++)
        if (s[i] == '\\') {
            if (s[i + 1] == 'u' && i + 6 <= n && memcmp(s + i + 2, "0000", 4) == 0)
                return true;
            i++;
        }
    return false;
}

/* Check the next literal, which the tree says is a string: a field name of the object at
 * w when is_key, else the string value at w. */
static int check_string(struct walk *t, const struct where *w, bool is_key)
{
    size_t start;
    if (!next_literal(t, &start) || t->text[start] != '"') {
        t->pos = t->len; /* out of step with the tree (never expected): stop checking */
        return 0;
    }
    size_t n = t->pos - start;
    if (!has_escaped_nul(t->text + start, n))
        return 0;
    /* Show the literal as written, cut at 60 bytes on a character boundary. */
    size_t shown = n;
    if (shown > 60) {
        shown = 60;
        while (shown > 1 && ((unsigned char)t->text[start + shown] & 0xc0) == 0x80)
            shown--;
    }
    char path[JP_MAX];
    return scn_fail(t->c, render_path(path, t, w),
                    is_key ? "a field name without NUL characters (\\u0000)"
                           : "a string without NUL characters (\\u0000)",
                    "%.*s%s", (int)shown, t->text + start, shown < n ? "...\"" : "");
}

/* Whether the number literal s[0..n) denotes exactly the integer x (|x| <= 2^53): its
 * significant digits D and decimal exponent E, value D * 10^E with trailing zeros moved
 * into E, must be those of x. */
static bool literal_is_integer(const char *s, size_t n, double x)
{
    char digits[64];
    size_t nd = 0, i = 0;
    long scale = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    for (bool frac = false; i < n; i++) {
        if (s[i] == '.' && !frac) {
            frac = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            break;
        if (frac)
            scale--;
        if (nd == 0 && s[i] == '0')
            continue; /* a leading zero */
        if (nd == sizeof digits) {
            if (s[i] != '0')
                return false; /* more significant digits than any such integer has */
            scale++;          /* a zero past the buffer: as if stored, with E one up */
            continue;
        }
        digits[nd++] = s[i];
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        long e = 0;
        bool neg = false;
        if (++i < n && (s[i] == '-' || s[i] == '+'))
            neg = s[i++] == '-';
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        scale += neg ? -e : e;
    }
    while (nd > 0 && digits[nd - 1] == '0') {
        nd--;
        scale++;
    }
    if (nd == 0)
        return x == 0;
    if (scale < 0)
        return false;
    char want[32];
    int len = snprintf(want, sizeof want, "%.0f", fabs(x));
    long zeros = 0;
    while (len > 1 && want[len - 1] == '0') {
        len--;
        zeros++;
    }
    return scale == zeros && (size_t)len == nd && memcmp(want, digits, nd) == 0;
}

/* A number that reads as an integer no larger than 2^53 but whose literal is not exactly
 * that integer keeps its literal in valuestring (see scn_inexact_integer). */
static void check_number(struct walk *t, cJSON *v)
{
    size_t start;
    if (!next_literal(t, &start) || t->text[start] == '"') {
        t->pos = t->len;
        return;
    }
    size_t n = t->pos - start;
    double x = v->valuedouble;
    if (!isfinite(x) || x != floor(x) || fabs(x) > SCN_MAX_SAFE_INT ||
        literal_is_integer(t->text + start, n, x) || v->valuestring != NULL)
        return;
    size_t shown = n < 40 ? n : 40;
    char *copy = cJSON_malloc(shown + 4);
    if (copy == NULL)
        abort(); /* as fatal as xmalloc failing */
    memcpy(copy, t->text + start, shown);
    strcpy(copy + shown, shown < n ? "..." : "");
    v->valuestring = copy;
}

static int walk_value(struct walk *t, cJSON *v, const struct where *w)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        size_t i = 0;
        for (cJSON *it = v->child; it != NULL; it = it->next, i++) {
            struct where sub = {.up = w, .index = i};
            if (cJSON_IsObject(v)) {
                sub.key = it->string != NULL ? it->string : "";
                if (check_string(t, w, true) < 0)
                    return -1;
            }
            if (walk_value(t, it, &sub) < 0)
                return -1;
        }
    } else if (cJSON_IsString(v)) {
        return check_string(t, w, false);
    } else if (cJSON_IsNumber(v)) {
        check_number(t, v);
    }
    return 0;
}

int scn_json_check_tree(struct scn_ctx *c, cJSON *root, const char *text, size_t len,
                        const char *path)
{
    struct walk t = {.c = c, .text = text, .len = len, .root = path};
    return walk_value(&t, root, NULL);
}

bool scn_inexact_integer(const cJSON *v)
{
    return cJSON_IsNumber(v) && v->valuestring != NULL;
}
