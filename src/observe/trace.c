/* The trace writer. */
#include "observe/trace.h"

#include <stdlib.h>
#include <string.h>

#include "observe/describe.h"
#include "util/util.h"

struct trace {
    struct sim *sim;
    enum trace_format fmt;
    struct strbuf out;
    struct strbuf msg;
    bool finished;
};

int trace_format_parse(const char *name)
{
    static const char *const names[] = {"jsonl", "csv", "chrome", "mermaid"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

static void csv_field(struct strbuf *sb, const char *s)
{
    bool quote = strpbrk(s, ",\"\n") != NULL;
    if (!quote) {
        strbuf_puts(sb, s);
        return;
    }
    strbuf_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

static void on_change(void *ctx, const struct change *c)
{
    struct trace *t = ctx;
    const struct sim *sim = t->sim;
    strbuf_reset(&t->msg);
    describe_change(sim, c, &t->msg);
    const char *node = c->node == NONE_ID ? "" : sim->store->nodes[c->node].name;
    const char *obj = describe_object(sim, c);
    struct strbuf *o = &t->out;
    if (t->fmt == TRACE_CSV) {
        strbuf_seconds(o, c->time);
        strbuf_printf(o, ",%llu,", (unsigned long long)c->seq);
        csv_field(o, obj_kind_name(c->kind));
        strbuf_putc(o, ',');
        csv_field(o, obj);
        strbuf_putc(o, ',');
        csv_field(o, node);
        strbuf_putc(o, ',');
        csv_field(o, change_reason_name(c->reason));
        strbuf_putc(o, ',');
        csv_field(o, t->msg.buf);
        strbuf_putc(o, '\n');
        return;
    }
    strbuf_puts(o, "{\"t\":");
    strbuf_seconds(o, c->time);
    strbuf_printf(o, ",\"seq\":%llu,\"kind\":", (unsigned long long)c->seq);
    strbuf_json_string(o, obj_kind_name(c->kind));
    strbuf_puts(o, ",\"object\":");
    strbuf_json_string(o, obj);
    strbuf_puts(o, ",\"node\":");
    strbuf_json_string(o, node);
    strbuf_puts(o, ",\"reason\":");
    strbuf_json_string(o, change_reason_name(c->reason));
    strbuf_puts(o, ",\"message\":");
    strbuf_json_string(o, t->msg.buf);
    strbuf_puts(o, "}\n");
}

struct trace *trace_new(struct sim *sim, enum trace_format fmt)
{
    struct trace *t = xcalloc(1, sizeof *t);
    t->sim = sim;
    t->fmt = fmt;
    strbuf_init(&t->out);
    strbuf_init(&t->msg);
    if (fmt == TRACE_CSV)
        strbuf_puts(&t->out, "t,seq,kind,object,node,reason,message\n");
    sim->store->want_text = true;
    store_watch(sim->store, on_change, t);
    return t;
}

void trace_free(struct trace *t)
{
    if (t == NULL)
        return;
    strbuf_fini(&t->out);
    strbuf_fini(&t->msg);
    free(t);
}

const char *trace_text(struct trace *t, size_t *len)
{
    *len = t->out.len;
    return t->out.buf;
}

int trace_write(struct trace *t, const char *path)
{
    return write_file_atomic(path, t->out.buf, t->out.len);
}
