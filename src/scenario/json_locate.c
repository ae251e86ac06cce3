/* Where JSON text first goes wrong, and what was expected there. cJSON says only that a
 * parse failed, at an offset that is sometimes one past the culprit (after a missing string
 * it points behind the character it refused); this scanner runs once cJSON has failed and
 * finds the exact byte. It accepts what cJSON accepts, so it agrees on what is an error. */
#include "scenario/scenario_internal.h"

#include <string.h>

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
