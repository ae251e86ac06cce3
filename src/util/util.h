/* Small helpers every module uses: allocation that never returns NULL, growable arrays,
 * a string builder and an arena for interned names. */
#ifndef SSSIM_UTIL_H
#define SSSIM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NONE_ID UINT32_MAX /* "no object" for uint32_t ids */

/* Allocation failure is not recoverable in a simulator: these print the size and abort. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grow *items (of *cap elements of elem_size bytes) so that it holds at least need, by
 * doubling; an empty array starts at 8 elements, or fewer that fill one 64-byte line. */
void grow_array(void **items, size_t *cap, size_t need, size_t elem_size);
/* A vector that keeps one element inline and more on the heap, in a union of the element
 * and a pointer: while *cap <= 1 the element is the union itself, past that the union holds
 * the owned heap array (free it when *cap > 1). small_vec_slot makes room for element n of
 * the n held and returns its place; *spilled says whether this call moved the elements to
 * the heap for the first time (for owners that list which records own arrays). */
void *small_vec_items(void *u, uint32_t cap);
void *small_vec_slot(void *u, uint32_t n, uint32_t *cap, size_t elem, bool *spilled);

/* Start loading the cache line at addr: a hint, with no effect on results, that never
 * faults (an address past an array is fine). */
#ifdef __GNUC__
#define PREFETCH(addr) __builtin_prefetch(addr)
#else
#define PREFETCH(addr) ((void)(addr))
#endif

/* Arrays of records laid out by cache line (64-byte records that should be one line, not
 * two at malloc's 16-byte alignment): the records start at the first line boundary of a
 * block 64 bytes larger than they need. lines_in gives that boundary; grow_lines grows
 * such an array by realloc, so that a big block still moves by remapping rather than by
 * copying (aligned_alloc could not), and shifts the records when the new block's boundary
 * lies elsewhere. *block is what to free, the result where the records now are; an empty
 * array (items NULL, *cap 0) starts at 16 records. */
void *lines_in(void *block);
void *grow_lines(void **block, void *items, size_t *cap, size_t need, size_t elem);
/* Append value to arr (len and cap may be any unsigned integer type). */
#define VEC_PUSH(arr, len, cap, value)                                                  \
    do {                                                                                 \
        size_t vec_cap_ = (cap);                                                         \
        grow_array((void **)&(arr), &vec_cap_, (size_t)(len) + 1, sizeof(*(arr)));       \
        (cap) = vec_cap_;                                                                \
        (arr)[(len)++] = (value);                                                        \
    } while (0)

/* A string builder; the buffer is always NUL-terminated. */
struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
};
void strbuf_init(struct strbuf *sb);
void strbuf_fini(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Append v in decimal, as "%" PRId64 does, and v in lowercase hex with at least `width`
 * digits, zero-padded, as "%0*" PRIx64 does. Without printf's cost: the names of objects
 * created during a run are built with them. */
void strbuf_put_int(struct strbuf *sb, int64_t v);
void strbuf_put_hex(struct strbuf *sb, uint64_t v, unsigned width);
/* Write v in decimal and a NUL to out; returns the number of digits (and sign). */
#define INT_DEC_LEN 21 /* "-9223372036854775808" and the NUL */
size_t fmt_int(char out[INT_DEC_LEN], int64_t v);
/* Append s as a JSON string literal, quotes included. */
void strbuf_json_string(struct strbuf *sb, const char *s);
/* Append seconds (from nanoseconds) with up to 6 decimals, trailing zeros trimmed, as JSON. */
void strbuf_seconds(struct strbuf *sb, int64_t ns);

/* An arena of strings that live as long as the arena: names of simulated objects. */
struct arena;
struct arena *arena_new(void);
void arena_free(struct arena *a);
const char *arena_strdup(struct arena *a, const char *s);
/* The n bytes at s and a NUL. */
const char *arena_strndup(struct arena *a, const char *s, size_t n);
const char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Write data to path whole or not at all: a temporary file beside it, then rename.
 * path "-" writes to standard output. Returns 0, or -1 with errno set. */
int write_file_atomic(const char *path, const char *data, size_t len);
/* Read a whole regular file; returns NULL with *err set to a short reason. Caller frees. */
char *read_file_all(const char *path, size_t *len, const char **err);

/* 64-bit mixing (splitmix64 finaliser): derives independent seeds from one seed. */
uint64_t mix64(uint64_t x);
/* FNV-1a 32-bit hash (a general-purpose hash; revision names use FNV-1, see revision.c). */
uint32_t fnv32a(const void *data, size_t len, uint32_t h);
#define FNV32A_INIT 0x811c9dc5u

#endif
