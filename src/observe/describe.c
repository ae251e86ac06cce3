/* Short human sentences for changes. */
#include "observe/describe.h"

#include <string.h>

#include "engine/duration.h"
#include "controllers/faults.h"

const char *describe_object(const struct sim *sim, const struct change *c)
{
    const struct store *st = sim->store;
    if (c->obj == NONE_ID)
        return "";
    switch (c->kind) {
    case KIND_NODE: return st->nodes[c->obj].name;
    case KIND_POD: return st->pods[c->obj].name;
    case KIND_PVC: return st->pvcs[c->obj].name;
    case KIND_PV: return st->pvs[c->obj].name;
    case KIND_ATTACHMENT: {
        const struct pv *v = &st->pvs[st->attachments[c->obj].pv];
        return v->pvc != NONE_ID ? st->pvcs[v->pvc].name : v->name;
    }
    case KIND_STS: return st->sets[c->obj].name;
    case KIND_REVISION: return st->revisions[c->obj].name;
    case KIND_ZONE: return st->zones[c->obj].name;
    case KIND_FAULT: return "timeline";
    default: return "";
    }
}

static const char *node_name(const struct sim *sim, uint32_t node)
{
    return node == NONE_ID ? "" : sim->store->nodes[node].name;
}

static const char *pv_claim_name(const struct sim *sim, uint32_t pv)
{
    const struct store *st = sim->store;
    const struct pv *v = &st->pvs[pv];
    return v->pvc != NONE_ID ? st->pvcs[v->pvc].name : v->name;
}

void describe_change(const struct sim *sim, const struct change *c, struct strbuf *out)
{
    const struct store *st = sim->store;
    char dur[32];
    const struct pod *p = c->kind == KIND_POD && c->obj != NONE_ID ? &st->pods[c->obj] : NULL;
    switch (c->reason) {
    case CH_POD_CREATED: {
        const struct scn_statefulset *ss = st->sets[p->sts].spec;
        strbuf_printf(out, "create Pod %s in StatefulSet %s successful; hostname %s, DNS %s.%s.%s.svc.cluster.local",
                      p->name, st->sets[p->sts].name, p->name, p->name,
                      ss->service_name ? ss->service_name : "",
                      ss->namespace_ ? ss->namespace_ : "default");
        if (p->revision != NONE_ID)
            strbuf_printf(out, ", revision %s", st->revisions[p->revision].name);
        return;
    }
    case CH_POD_SCHEDULED:
        strbuf_printf(out, "Successfully assigned %s/%s to %s",
                      st->sets[p->sts].spec->namespace_ ? st->sets[p->sts].spec->namespace_
                                                        : "default",
                      p->name, node_name(sim, c->node));
        return;
    case CH_POD_RUNNING: strbuf_puts(out, "phase Running"); return;
    case CH_POD_READY: strbuf_puts(out, "Ready: serving as an endpoint of its Service"); return;
    case CH_POD_NOT_READY: strbuf_puts(out, "not Ready: removed from the Service endpoints"); return;
    case CH_POD_DELETE_REQUESTED:
        duration_format(c->b, dur, sizeof dur);
        strbuf_printf(out, "deletion requested with grace period %s: Terminating", dur);
        return;
    case CH_POD_GONE: strbuf_puts(out, "Pod object removed from the API; its name is free again"); return;
    case CH_POD_FORCE_DELETED:
        strbuf_puts(out, "force deleted: removed from the API at once, without waiting for its kubelet");
        return;
    case CH_POD_CONTAINER_STARTED:
        strbuf_printf(out, "container running on %s", node_name(sim, c->node));
        return;
    case CH_POD_CONTAINER_DIED:
        strbuf_printf(out, "container stopped on %s", node_name(sim, c->node));
        return;
    case CH_POD_FAILED:
        if (c->text && c->text[0])
            strbuf_printf(out, "phase Failed (%s)", c->text);
        else
            strbuf_puts(out, "phase Failed");
        return;
    case CH_POD_SUCCEEDED: strbuf_puts(out, "phase Succeeded"); return;
    case CH_POD_MARKED_NOT_READY:
        strbuf_puts(out, "marked not Ready by the node lifecycle controller: its node stopped reporting");
        return;
    case CH_POD_EVICTION_SCHEDULED:
        clock_format(c->b, dur, sizeof dur);
        strbuf_printf(out, "taint eviction scheduled at %s", dur);
        return;
    case CH_POD_EVICTION_CANCELLED: strbuf_puts(out, "taint eviction cancelled"); return;
    case CH_POD_EVICTED: strbuf_puts(out, "Marking for deletion Pod (NoExecute taint not tolerated any longer)"); return;
    case CH_POD_KILLING: strbuf_puts(out, "Stopping container"); return;
    case CH_NODE_READY: strbuf_puts(out, "Ready=True"); return;
    case CH_NODE_NOT_READY: strbuf_printf(out, "Ready=False (%s)", c->text ? c->text : ""); return;
    case CH_NODE_UNKNOWN: strbuf_puts(out, "Ready=Unknown: Kubelet stopped posting node status."); return;
    case CH_NODE_TAINTED: {
        const struct node *n = &st->nodes[c->obj];
        const struct taint *t = c->a < n->ntaints ? &n->taints[c->a].taint : NULL;
        if (t)
            strbuf_printf(out, "taint %s%s%s:%s added", t->key, t->value[0] ? "=" : "", t->value,
                          taint_effect_name(t->effect));
        return;
    }
    case CH_NODE_UNTAINTED:
        strbuf_printf(out, "taint %s:%s removed", c->text ? c->text : "",
                      taint_effect_name((enum taint_effect)c->b));
        return;
    case CH_NODE_CORDONED: strbuf_puts(out, "cordoned: unschedulable"); return;
    case CH_NODE_UNCORDONED: strbuf_puts(out, "uncordoned: schedulable"); return;
    case CH_NODE_DELETED: strbuf_puts(out, "Node object deleted"); return;
    case CH_NODE_VOLUMES_IN_USE: strbuf_printf(out, "status.volumesInUse now lists %u volume(s)", c->a); return;
    case CH_PVC_CREATED: strbuf_puts(out, "claim created"); return;
    case CH_PVC_BOUND: strbuf_printf(out, "bound to volume %s", st->pvs[c->a].name); return;
    case CH_PVC_DELETE_REQUESTED: strbuf_puts(out, "claim deletion requested"); return;
    case CH_PVC_GONE: strbuf_puts(out, "claim removed"); return;
    case CH_PVC_OWNER:
        strbuf_printf(out, "owner reference set to %s",
                      c->a == OWNER_SET ? "its StatefulSet" : c->a == OWNER_POD ? "its Pod" : "none");
        return;
    case CH_PV_LOST: strbuf_puts(out, "volume lost: its data is gone"); return;
    case CH_ATTACH_STARTED:
        strbuf_printf(out, "attaching volume of %s to %s", pv_claim_name(sim, c->a), node_name(sim, c->node));
        return;
    case CH_ATTACH_DONE:
        strbuf_printf(out, "AttachVolume.Attach succeeded for volume of %s on %s",
                      pv_claim_name(sim, c->a), node_name(sim, c->node));
        return;
    case CH_DETACH_STARTED:
        strbuf_printf(out, "detaching volume of %s from %s", pv_claim_name(sim, c->a), node_name(sim, c->node));
        return;
    case CH_DETACH_DONE:
        strbuf_printf(out, "DetachVolume.Detach succeeded for volume of %s from %s",
                      pv_claim_name(sim, c->a), node_name(sim, c->node));
        return;
    case CH_STS_SCALED: strbuf_printf(out, "replicas %u -> %lld", c->a, (long long)c->b); return;
    case CH_STS_TEMPLATE: strbuf_printf(out, "template image now %s", c->text ? c->text : ""); return;
    case CH_STS_REVISION: strbuf_printf(out, "controller revision %s (revision %lld)", c->text ? c->text : "", (long long)c->b); return;
    case CH_STS_STATUS: {
        const struct sts_status *s = &st->sets[c->obj].status;
        strbuf_printf(out, "status replicas=%d ready=%d current=%d updated=%d available=%d",
                      s->replicas, s->ready_replicas, s->current_replicas, s->updated_replicas,
                      s->available_replicas);
        return;
    }
    case CH_RUN_END: strbuf_puts(out, c->a ? "run stopped at the event cap" : "end of the run"); return;
    default:
        break;
    }
    if (c->text)
        strbuf_puts(out, c->text);
    else
        strbuf_puts(out, change_reason_name(c->reason));
}
