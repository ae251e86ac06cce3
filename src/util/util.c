/* Small helpers every module uses. */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(size_t size)
{
    fprintf(stderr, "sssim: out of memory allocating %zu bytes\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        out_of_memory(n * size);
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (q == NULL)
        out_of_memory(size);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void grow_array(void **items, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return;
    /* The first block holds 8 small elements but at most a cache line of big ones: many
     * arrays are per object (an identity's incarnations, a claim's attachments) and hold
     * one or two elements. With 80,000 pods, eight-element first blocks of 64-byte records
     * made a quarter of the peak RSS (199 MB before, 147 MB after) and of the page faults. */
    size_t first = elem_size < 64 / 8 ? 8 : elem_size < 64 ? 64 / elem_size : 1;
    size_t ncap = *cap ? *cap : first;
    while (ncap < need)
        ncap *= 2;
    *items = xrealloc(*items, ncap * elem_size);
    *cap = ncap;
}

void *small_vec_items(void *u, uint32_t cap)
{
    if (cap <= 1)
        return u;
    void *heap;
    memcpy(&heap, u, sizeof heap); /* the union's pointer member, whatever the element type */
    return heap;
}

void *small_vec_slot(void *u, uint32_t n, uint32_t *cap, size_t elem, bool *spilled)
{
    *spilled = false;
    if (*cap == 0)
        *cap = 1;
    if (n == *cap) {
        void *many = xmalloc(2 * (size_t)*cap * elem);
        memcpy(many, small_vec_items(u, *cap), n * elem);
        if (*cap > 1)
            free(small_vec_items(u, *cap));
        else
            *spilled = true;
        memcpy(u, &many, sizeof many);
        *cap *= 2;
    }
    return (char *)small_vec_items(u, *cap) + n * elem;
}

void *lines_in(void *block)
{
    return (char *)block + (64 - (uintptr_t)block % 64) % 64;
}

void *grow_lines(void **block, void *items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return items;
    size_t old_off = items != NULL ? (size_t)((char *)items - (char *)*block) : 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    char *b = xrealloc(*block, ncap * elem + 64);
    char *n = lines_in(b);
    if (*cap && (size_t)(n - b) != old_off)
        memmove(n, b + old_off, *cap * elem);
    *block = b;
    *cap = ncap;
    return n;
}

void strbuf_init(struct strbuf *sb)
{
    sb->cap = 64;
    sb->len = 0;
    sb->buf = xmalloc(sb->cap);
    sb->buf[0] = '\0';
}

void strbuf_fini(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    sb->buf[0] = '\0';
}

static void strbuf_reserve(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t ncap = sb->cap ? sb->cap : 64;
    while (ncap < sb->len + extra + 1)
        ncap *= 2;
    sb->buf = xrealloc(sb->buf, ncap);
    sb->cap = ncap;
}

void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
    strbuf_reserve(sb, n);
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    strbuf_reserve(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

size_t fmt_int(char out[INT_DEC_LEN], int64_t v)
{
    /* Digits of the magnitude, computed unsigned so that INT64_MIN does not overflow. */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char rev[INT_DEC_LEN];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m > 0);
    size_t len = 0;
    if (v < 0)
        out[len++] = '-';
    while (n > 0)
        out[len++] = rev[--n];
    out[len] = '\0';
    return len;
}

void strbuf_put_int(struct strbuf *sb, int64_t v)
{
    char digits[INT_DEC_LEN];
    strbuf_add(sb, digits, fmt_int(digits, v));
}

void strbuf_put_hex(struct strbuf *sb, uint64_t v, unsigned width)
{
    static const char hex[] = "0123456789abcdef";
    unsigned n = 0;
    for (uint64_t m = v; m > 0 || n == 0; m >>= 4)
        n++;
    if (n < width)
        n = width;
    char digits[64]; /* a uint64_t has 16 digits: room for padding to 64 */
    if (n > sizeof digits)
        n = sizeof digits;
    for (unsigned i = n; i > 0; i--, v >>= 4)
        digits[i - 1] = hex[v & 0xf];
    strbuf_add(sb, digits, n);
}

void strbuf_json_string(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    const unsigned char *p = (const unsigned char *)s;
    for (;;) {
        /* A run of characters that need no escape goes in at once. */
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        strbuf_add(sb, (const char *)run, (size_t)(p - run));
        if (*p == '\0')
            break;
        switch (*p) {
        case '"': strbuf_add(sb, "\\\"", 2); break;
        case '\\': strbuf_add(sb, "\\\\", 2); break;
        case '\n': strbuf_add(sb, "\\n", 2); break;
        case '\t': strbuf_add(sb, "\\t", 2); break;
        case '\r': strbuf_add(sb, "\\r", 2); break;
        default: strbuf_printf(sb, "\\u%04x", *p); break;
        }
        p++;
    }
    strbuf_putc(sb, '"');
}

void strbuf_seconds(struct strbuf *sb, int64_t ns)
{
    /* Integer arithmetic keeps the output locale- and rounding-independent. */
    bool neg = ns < 0;
    uint64_t a = neg ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns;
    uint64_t us = (a + 500) / 1000;
    uint64_t whole = us / 1000000, frac = us % 1000000;
    if (frac == 0) {
        strbuf_printf(sb, "%s%llu.0", neg ? "-" : "", (unsigned long long)whole);
        return;
    }
    char digits[8];
    snprintf(digits, sizeof digits, "%06llu", (unsigned long long)frac);
    size_t n = 6;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    strbuf_printf(sb, "%s%llu.%s", neg ? "-" : "", (unsigned long long)whole, digits);
}

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
};

struct arena {
    struct arena_block *head;
};

struct arena *arena_new(void)
{
    return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static char *arena_alloc(struct arena *a, size_t n)
{
    if (a->head == NULL || a->head->used + n > a->head->cap) {
        size_t cap = n > 16384 ? n : 16384;
        struct arena_block *b = xmalloc(sizeof *b + cap);
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    char *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

const char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

const char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

const char *arena_printf(struct arena *a, const char *fmt, ...)
{
    /* Format once, straight into the free end of the current block; only a string that
     * does not fit there is formatted a second time, into a new block. */
    size_t room = a->head ? a->head->cap - a->head->used : 0;
    char *end = a->head ? a->head->data + a->head->used : NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(end, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        return "";
    if ((size_t)n < room)
        return arena_alloc(a, (size_t)n + 1); /* that is `end`: the block has room */
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
            return -1;
        return 0;
    }
    size_t plen = strlen(path);
    char *tmp = xmalloc(plen + 16);
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            goto out_unlink;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || close(fd) != 0) {
        fd = -1;
        goto out_unlink;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto out_unlink;
    free(tmp);
    return 0;
out_unlink: {
    int saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    errno = saved;
    return -1;
}
}

char *read_file_all(const char *path, size_t *len, const char **err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *err = strerror(errno);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        *err = "is a directory, expected a file";
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        *err = strerror(errno);
        return NULL;
    }
    struct strbuf sb;
    strbuf_init(&sb);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        strbuf_add(&sb, chunk, n);
        if (sb.len > (size_t)64 << 20) {
            fclose(f);
            strbuf_fini(&sb);
            *err = "file larger than 64 MiB";
            return NULL;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        strbuf_fini(&sb);
        *err = "read error";
        return NULL;
    }
    *len = sb.len;
    return sb.buf;
}

uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint32_t fnv32a(const void *data, size_t len, uint32_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}
