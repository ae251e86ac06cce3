/* The narrator's message tables, in English and in Japanese. The Japanese wording uses the
 * terms of the concept documents the project teaches (shared/seeds): 安定したネットワーク
 * 識別子, 永続ストレージ, 順序付きのデプロイとスケーリング, 障害復旧の自動化, データの整合性.
 * Kubernetes names (Pod, Ready, taint, kubectl ...) stay in English in both, as kubectl
 * shows them. Each template's placeholders are the same in every language (tested). */
#include "observe/narrate_text.h"

const char *const narr_msg_names[NM_COUNT] = {
#define X(id) [NM_##id] = #id,
    NARR_MESSAGES(X)
#undef X
};

const char *const narr_separator[NARR_LANG_COUNT] = {[NARR_EN] = "; ", [NARR_JA] = "。"};
const char *const narr_line_end[NARR_LANG_COUNT] = {[NARR_EN] = "", [NARR_JA] = "。"};

/* One template per entry, wrapped by display width, not by clang-format. */
/* clang-format off */
const char *const narr_templates[NARR_LANG_COUNT][NM_COUNT] = {
    [NARR_EN] = {
        [NM_HEADER] = "{scenario} (seed {seed}, Kubernetes {version}), until {until}",
        [NM_SET_INTRO] =
            "StatefulSet {set}: {replicas} replicas, podManagementPolicy {policy}, "
            "updateStrategy {strategy}, Service {svc}; each pod has a stable name {set}-N (N "
            "from {start}) and a stable DNS name",
        [NM_SET_INTRO_CLAIMS] =
            "each pod also has its own persistent storage from each volumeClaimTemplate "
            "({claims}), which it keeps when it is replaced",
        [NM_SET_INTRO_NO_CLAIMS] = "no volumeClaimTemplates: the pods keep no data of their own",
        [NM_CREATED_FIRST] = "{pod} created",
        [NM_CREATED_ORDERED] =
            "{pod} created only now: OrderedReady waits until {prev} is Running and Ready",
        [NM_CREATED_ORDERED_MIN_READY] =
            "{pod} created only now: OrderedReady waits until {prev} is Running and Ready, "
            "and available for minReadySeconds ({min})",
        [NM_CREATED_PARALLEL] =
            "{pod} created without waiting for {prev}: podManagementPolicy Parallel",
        [NM_CREATED_AGAIN] = "{pod} created again: a new Pod object with the same identity",
        [NM_IDENTITY_DNS] = "stable name {pod}, DNS {dns}",
        [NM_IDENTITY_NO_DNS] =
            "stable name {pod} (serviceName {svc} names no Service, so no DNS name)",
        [NM_CLAIM_NEW] = "its own claim {claims}",
        [NM_CLAIM_SAME] = "the same claim {claims}, so its data follows it",
        [NM_SCHEDULED] = "{pod} scheduled to {node}",
        [NM_SCHEDULED_MOVED] = "{pod} scheduled to {node} (the previous {pod} was on {old})",
        [NM_FAILED_SCHEDULING] = "{pod} cannot be scheduled: {why}",
        [NM_ATTACHED] = "volume of {claim} attached to {node}",
        [NM_MULTI_ATTACH] =
            "{pod} waits on {node}: Multi-Attach error, the ReadWriteOnce volume of {claim} "
            "is still attached to {other}",
        [NM_MULTI_ATTACH_TIMEOUT] =
            "it is detached when {other} reports it unmounted, or forcibly once "
            "maxWaitForUnmountDuration ({maxwait}) has passed with {other} not Ready",
        [NM_MULTI_ATTACH_NO_FORCE] =
            "disableForceDetachOnTimeout is set: it stays attached until {other} reports it "
            "unmounted",
        [NM_FORCE_DETACH_TIMEOUT] =
            "volume of {claim} force-detached from {node}: maxWaitForUnmountDuration "
            "({maxwait}) passed and nobody confirmed the unmount; if {node} still runs the "
            "old container, two copies may write the same data",
        [NM_FORCE_DETACH_OOS] =
            "volume of {claim} force-detached from {node} at once: the node has the "
            "out-of-service taint",
        [NM_DETACHED] = "volume of {claim} detached from {node}",
        [NM_RUNNING_PROBE] = "{pod} Running on {node}; Ready once its readinessProbe passes",
        [NM_READY] = "{pod} Running and Ready on {node}: an endpoint of Service {svc}",
        [NM_READY_NO_SERVICE] = "{pod} Running and Ready on {node}",
        [NM_READY_AGAIN] =
            "{pod} Running and Ready again on {node}, {down} after it stopped serving",
        [NM_NOT_READY] = "{pod} not Ready: removed from the Service endpoints",
        [NM_MARKED_NOT_READY] =
            "{pod} not Ready: the node lifecycle controller marks the pods of {node} not "
            "Ready, so it leaves the Service endpoints",
        [NM_CONTAINER_DIED] = "{pod}'s container stopped on {node}",
        [NM_RESTARTED] =
            "{pod}'s container started again in place on {node} (restart {n}): same Pod "
            "object, same volume",
        [NM_BACK_OFF] =
            "{pod} in CrashLoopBackOff: the kubelet restarts it after {backoff} (the back-off "
            "doubles from {initial} up to {max})",
        [NM_FAILED] = "{pod} phase Failed ({why})",
        [NM_EVICTION_SCHEDULED] =
            "{pod} will be evicted at {at}: {node} has the {taint}:NoExecute taint, which the "
            "pod tolerates for tolerationSeconds {tol} ({source})",
        [NM_TOLERATION_DEFAULT] =
            "the default toleration added by the DefaultTolerationSeconds admission plugin",
        [NM_TOLERATION_TEMPLATE] = "the pod template's toleration",
        [NM_EVICTION_CANCELLED] = "{pod}'s eviction cancelled: the NoExecute taint left {node}",
        [NM_TERM_EVICTED] =
            "{pod} Terminating: evicted after tolerationSeconds {tol} (taint "
            "{taint}:NoExecute)",
        [NM_TERM_EVICTED_NOW] =
            "{pod} Terminating: evicted at once, it does not tolerate a NoExecute taint of "
            "{node}",
        [NM_TERM_OPERATOR] =
            "{pod} Terminating: deleted by the operator (kubectl delete pod {pod}), grace "
            "period {grace}",
        [NM_TERM_DRAIN] =
            "{pod} Terminating: evicted by kubectl drain {node}, grace period {grace}",
        [NM_TERM_SCALE_DOWN] =
            "{pod} Terminating: the StatefulSet scales down to {replicas} replicas, highest "
            "ordinal first (ordered scaling)",
        [NM_TERM_UPDATE] =
            "{pod} Terminating: the rolling update replaces it with revision {rev}, from the "
            "highest ordinal down",
        [NM_TERM_FAILED] =
            "{pod} Terminating: the StatefulSet deletes the {phase} pod to create it again",
        [NM_TERM_SHUTDOWN] = "{pod} Terminating: its node {node} is shutting down",
        [NM_TERM_OTHER] = "{pod} Terminating: deletion requested, grace period {grace}",
        [NM_KUBELET_UNREACHABLE] =
            "its kubelet is unreachable, so the StatefulSet will not start another {pod} (at "
            "most one pod per identity)",
        [NM_KUBELET_STOPS] =
            "its kubelet stops the container within terminationGracePeriodSeconds ({grace})",
        [NM_GONE] = "{pod} is gone from the API: the name {pod} is free again",
        [NM_GONE_RECREATE] = "the StatefulSet can create it again",
        [NM_FORCE_RISK] =
            "if {node} is only partitioned, the old container keeps running while a new {pod} "
            "starts with the same identity and data",
        [NM_FORCE_PODGC_OOS] =
            "{pod} force deleted by the pod garbage collector: {node} has the out-of-service "
            "taint, the operator's word that the node is off",
        [NM_FORCE_PODGC_ORPHAN] =
            "{pod} force deleted by the pod garbage collector: its Node {node} no longer "
            "exists (quarantine {quarantine})",
        [NM_FORCE_OTHER] =
            "{pod} force deleted: removed from the API without waiting for its kubelet",
        [NM_NODE_UNKNOWN] =
            "{node} Unknown: no Lease renewal for nodeMonitorGracePeriod ({grace}); the "
            "control plane cannot tell a dead node from a cut-off one",
        [NM_NODE_NOT_READY] = "{node} NotReady: its kubelet reports {why}",
        [NM_NODE_READY] =
            "{node} Ready again: its kubelet posts status, and the node lifecycle controller "
            "removes its taints",
        [NM_TAINT_NO_SCHEDULE] = "{node} tainted {taint}:NoSchedule: no new pods go there",
        [NM_TAINT_NO_EXECUTE] =
            "{node} tainted {taint}:NoExecute: pods that do not tolerate it are evicted, "
            "those that tolerate it for tolerationSeconds when that runs out",
        [NM_TAINT_OUT_OF_SERVICE] =
            "{node} tainted {taint}: pod GC force-deletes its terminating pods and its "
            "volumes are detached at once",
        [NM_TAINT_OTHER] = "{node} tainted {taint}",
        [NM_UNTAINTED] = "{node}: taint {taint} removed",
        [NM_CORDONED] = "{node} cordoned: no new pods are scheduled there",
        [NM_UNCORDONED] = "{node} uncordoned: schedulable again",
        [NM_NODE_DELETED] =
            "Node object {node} deleted: pod GC force-deletes its pods after the {quarantine} "
            "quarantine",
        [NM_NODE_POWERED_OFF] = "{node} powers off",
        [NM_NODE_CRASHED] = "{node} crashes",
        [NM_KUBELET_STARTED] =
            "the kubelet of {node} starts: it renews its Lease, restarts the pods still bound "
            "to it in place and finishes the deletions it missed",
        [NM_ZONE_STATE] =
            "zone {zone} is in state {state}: the node lifecycle controller changes its "
            "eviction rate",
        [NM_FAULT_NODE_CRASH] =
            "{node} crashes, with {pods}: its kubelet and containers stop at once, but "
            "nothing is written to the API, which still shows the pods Running and Ready",
        [NM_FAULT_NODE_SHUTDOWN] =
            "{node} shuts down, with {pods}; shutdownGracePeriod is 0, so the kubelet does "
            "not stop its pods first: like a power-off",
        [NM_FAULT_NODE_SHUTDOWN_GRACEFUL] =
            "{node} shuts down, with {pods}: graceful node shutdown (shutdownGracePeriod "
            "{sgp}) lets its kubelet stop them first",
        [NM_FAULT_NODE_PARTITION] =
            "{node} is cut off from the API server, with {pods}: its containers keep running, "
            "but its kubelet can no longer renew its Lease",
        [NM_FAULT_NODE_HEAL] =
            "{node} reconnects to the API server: its kubelet posts status and carries out "
            "the deletions it missed",
        [NM_FAULT_NODE_RECOVER] = "{node} boots again",
        [NM_FAULT_NODE_DELETE] =
            "the operator deletes the Node object {node} (kubectl delete node {node}): pod GC "
            "force-deletes its pods after the {quarantine} quarantine",
        [NM_FAULT_ZONE_OUTAGE] = "zone {zone} goes down: all its nodes stop, with {pods}",
        [NM_FAULT_ZONE_RECOVER] = "zone {zone} comes back: its stopped nodes boot again",
        [NM_FAULT_TAINT] = "the operator taints {node} (kubectl taint nodes {node} {taint})",
        [NM_FAULT_TAINT_OUT_OF_SERVICE] =
            "the operator, knowing {node} is off, applies the out-of-service taint (kubectl "
            "taint nodes {node} {taint}): pod GC force-deletes its terminating pods and the "
            "attach/detach controller detaches its volumes at once; remove the taint once the "
            "node is repaired",
        [NM_FAULT_UNTAINT] = "the operator removes the taint {taint} from {node}",
        [NM_FAULT_CORDON] = "the operator cordons {node} (kubectl cordon {node})",
        [NM_FAULT_UNCORDON] = "the operator uncordons {node} (kubectl uncordon {node})",
        [NM_FAULT_DRAIN] =
            "the operator drains {node} (kubectl drain {node}): cordon, then evict its pods",
        [NM_FAULT_POD_DELETE] = "the operator deletes {pod} (kubectl delete pod {pod})",
        [NM_FAULT_POD_FORCE_DELETE] =
            "the operator force deletes {pod} (kubectl delete pod {pod} --grace-period=0 "
            "--force): it leaves the API at once, without waiting for its kubelet on {node}",
        [NM_FAULT_CONTAINER_CRASH] = "{pod}'s container crashes",
        [NM_FAULT_SCALE_UP] =
            "the operator scales {set} from {from} to {to} replicas (kubectl scale "
            "statefulset {set} --replicas={to}): new ordinals are created in order",
        [NM_FAULT_SCALE_DOWN] =
            "the operator scales {set} from {from} to {to} replicas (kubectl scale "
            "statefulset {set} --replicas={to}): pods are removed from the highest ordinal "
            "down, and their claims stay unless whenScaled is Delete",
        [NM_FAULT_UPDATE_IMAGE] =
            "the operator sets the image of {set} to {image} (kubectl set image): a new "
            "revision; RollingUpdate replaces the pods from the highest ordinal down, each "
            "once the one before is Ready",
        [NM_FAULT_UPDATE_ON_DELETE] =
            "the operator sets the image of {set} to {image} (kubectl set image): a new "
            "revision; with updateStrategy OnDelete a pod takes it only when it is deleted",
        [NM_FAULT_VOLUME_LOSS] = "the disk behind {claim} is lost: its data is gone",
        [NM_FAULT_NOT_APPLIED] = "fault #{i} {do} did not apply: {note}",
        [NM_BLOCKED_TERMINATING_UNREACHABLE] =
            "{set} waits for {pod} to be gone: a terminating pod keeps its identity, and "
            "{node} is unreachable, so nobody can confirm its container stopped; Kubernetes "
            "goes no further on its own",
        [NM_BLOCKED_TERMINATING] =
            "{set} waits for {pod} to finish terminating: a terminating pod keeps its "
            "identity until it is gone",
        [NM_BLOCKED_NOT_READY] =
            "{set} waits for {pod} to be Running and Ready again: with OrderedReady it "
            "creates, deletes or updates no other pod until then",
        [NM_BLOCKED_NOT_AVAILABLE] =
            "{set} waits for {pod} to be Ready for minReadySeconds ({min})",
        [NM_BLOCKED_FAILED] = "{set} deletes the {phase} pod {pod} and creates it again",
        [NM_BLOCKED_CLAIM_DELETING] = "{set} cannot create {pod}: its claim is being deleted",
        [NM_BLOCKED_CLAIM_STALE] =
            "{set} waits to create {pod}: its claim still belongs to the previous pod of that "
            "name",
        [NM_BLOCKED_NAME_TAKEN] = "{set} cannot create {pod}: a pod of that name already exists",
        [NM_BLOCKED_MAX_UNAVAILABLE] =
            "{set} waits: the rolling update has used its maxUnavailable budget ({text})",
        [NM_BLOCKED_OTHER] = "{set} waits: {text}",
        [NM_ADVICE_UNREACHABLE] =
            "what an operator can do: once {node} is known to be off, apply the "
            "out-of-service taint, `kubectl taint nodes {node} "
            "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute` (pod GC then "
            "force-deletes {pod}, its volume is detached at once and a new {pod} starts "
            "elsewhere; remove the taint after the repair); or force delete it, `kubectl "
            "delete pod {pod} --grace-period=0 --force`, with its risk: if {node} is only "
            "partitioned, a second copy of {pod} runs on the same data",
        [NM_ADVICE_MULTI_ATTACH] =
            "{pod} waits for its volume, still attached to {other}: it is force-detached "
            "after maxWaitForUnmountDuration ({maxwait}); if {other} is known to be off, the "
            "out-of-service taint detaches it at once (`kubectl taint nodes {other} "
            "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`)",
        [NM_ADVICE_WAIT_EVICTION] =
            "{pod} is on {node}, which is not Ready: it is evicted when its tolerationSeconds "
            "run out; if {node} is known to be off, the out-of-service taint (`kubectl taint "
            "nodes {node} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`) ends the "
            "wait sooner",
        [NM_ADVICE_ORPHAN] =
            "the Node {node} no longer exists: pod GC force-deletes {pod} after the quarantine",
        [NM_SET_COMPLETE] = "{set} complete: all {n} pods Running and Ready",
        [NM_SCALED] = "{set} replicas {from} -> {to}",
        [NM_TEMPLATE_UPDATED] = "{set}'s pod template now runs {image}: a new revision",
        [NM_UPDATE_DONE] = "{set}: rolling update complete, every pod runs revision {rev}",
        [NM_PVC_DELETED_SCALED] =
            "claim {claim} deleted after its pod: persistentVolumeClaimRetentionPolicy "
            "whenScaled is Delete, so its data is gone",
        [NM_PVC_DELETED_SET] =
            "claim {claim} deleted: persistentVolumeClaimRetentionPolicy whenDeleted is "
            "Delete, so its data is gone",
        [NM_PVC_DELETED] = "claim {claim} deleted",
        [NM_PV_LOST] = "the volume of {claim} is lost: its data is gone",
        [NM_VIOLATION] = "INVARIANT BROKEN ({inv}): {detail}",
        [NM_INV_AT_MOST_ONE] =
            "{obj} runs more than once: a StatefulSet runs at most one Pod per identity at "
            "any time",
        [NM_INV_ORDERED_CREATION] =
            "{obj}: pods are created in ordinal order, each after the one before is Running "
            "and Ready",
        [NM_INV_ORDERED_TERMINATION] = "{obj}: pods are removed from the highest ordinal down",
        [NM_INV_STABLE_STORAGE] = "{obj}: each pod always mounts its own claim",
        [NM_INV_SINGLE_ATTACH] =
            "{obj}: a ReadWriteOnce volume is attached to at most one node at a time",
        [NM_INV_UPDATE_ORDER] =
            "{obj}: a rolling update replaces pods from the highest ordinal down",
        [NM_END] = "end of the run",
        [NM_END_CAP] = "the run stopped at the event cap (maxEvents {max})",
        [NM_END_SET] = "{set}: {ready} of {replicas} pods Running and Ready",
        [NM_END_POD_TERMINATING] = "{pod} is still Terminating on {node}, since {since}",
        [NM_END_POD_NOT_SERVING] = "{pod} is not serving: {state}",
        [NM_END_POD_ORPHAN] =
            "{pod}'s old container still runs on {node}, though its Pod object is gone: "
            "nobody stopped it",
        [NM_END_INVARIANTS_HELD] = "every invariant held",
        [NM_END_INVARIANTS_BROKEN] = "broken invariants: {list}",
        [NM_NO_PODS] = "no pods",
    },
    [NARR_JA] = {
        [NM_HEADER] = "{scenario}（シード {seed}、Kubernetes {version}）、{until} まで",
        [NM_SET_INTRO] =
            "StatefulSet {set}: レプリカ数 {replicas}、podManagementPolicy "
            "{policy}、updateStrategy {strategy}、Service "
            "{svc}。各Podは安定したネットワーク識別子 {set}-N（N は {start} "
            "から）と安定したDNS名を持つ",
        [NM_SET_INTRO_CLAIMS] =
            "さらに volumeClaimTemplates（{claims}）から自分専用の永続ストレージを持ち、Podが"
            "置き換えられても引き継ぐ",
        [NM_SET_INTRO_NO_CLAIMS] = "volumeClaimTemplates がないので、Podは自分のデータを持たない",
        [NM_CREATED_FIRST] = "{pod} を作成",
        [NM_CREATED_ORDERED] =
            "{pod} をここで作成: 順序付きのデプロイ（OrderedReady）は {prev} が Running かつ "
            "Ready になるまで次のPodを作らない",
        [NM_CREATED_ORDERED_MIN_READY] =
            "{pod} をここで作成: 順序付きのデプロイ（OrderedReady）は {prev} が Running かつ "
            "Ready になり、minReadySeconds（{min}）の間利用可能になるまで次のPodを作らない",
        [NM_CREATED_PARALLEL] =
            "{pod} を {prev} を待たずに作成: podManagementPolicy Parallel は順序を待たない",
        [NM_CREATED_AGAIN] = "{pod} を再作成: Podオブジェクトは新しいが、識別子は同じ",
        [NM_IDENTITY_DNS] = "安定したネットワーク識別子 {pod}、DNS名 {dns}",
        [NM_IDENTITY_NO_DNS] =
            "安定したネットワーク識別子 {pod}（serviceName {svc} の Service "
            "がないのでDNS名はない）",
        [NM_CLAIM_NEW] = "自分専用の永続ストレージ {claims}",
        [NM_CLAIM_SAME] = "同じ永続ストレージ {claims} を使うので、データはそのまま引き継がれる",
        [NM_SCHEDULED] = "{pod} を {node} にスケジュール",
        [NM_SCHEDULED_MOVED] = "{pod} を {node} にスケジュール（前の {pod} は {old} にいた）",
        [NM_FAILED_SCHEDULING] = "{pod} をスケジュールできない: {why}",
        [NM_ATTACHED] = "{claim} のボリュームを {node} にアタッチ",
        [NM_MULTI_ATTACH] =
            "{pod} は {node} で待機: Multi-Attach エラー。ReadWriteOnce のボリューム {claim} "
            "がまだ {other} にアタッチされている",
        [NM_MULTI_ATTACH_TIMEOUT] =
            "{other} がアンマウントを報告すればデタッチされ、{other} が Ready でないまま "
            "maxWaitForUnmountDuration（{maxwait}）が過ぎれば強制デタッチされる",
        [NM_MULTI_ATTACH_NO_FORCE] =
            "disableForceDetachOnTimeout が有効なので、{other} "
            "がアンマウントを報告するまでアタッチされたまま",
        [NM_FORCE_DETACH_TIMEOUT] =
            "{claim} のボリュームを {node} から強制デタッチ: maxWaitForUnmountDuration（{maxwa"
            "it}）が過ぎたが、アンマウントは確認されていない。{node} "
            "で古いコンテナがまだ動いていれば、2つのコピーが同じデータに書き込み、データの整合"
            "性が崩れうる",
        [NM_FORCE_DETACH_OOS] =
            "{node} に out-of-service taint があるので、{claim} "
            "のボリュームを直ちに強制デタッチ",
        [NM_DETACHED] = "{claim} のボリュームを {node} からデタッチ",
        [NM_RUNNING_PROBE] = "{pod} が {node} で Running。readinessProbe が成功すると Ready になる",
        [NM_READY] = "{pod} が {node} で Running かつ Ready: Service {svc} のエンドポイントになる",
        [NM_READY_NO_SERVICE] = "{pod} が {node} で Running かつ Ready",
        [NM_READY_AGAIN] = "{pod} が {node} で再び Running かつ Ready: 停止から {down} で障害復旧",
        [NM_NOT_READY] = "{pod} が NotReady: Service のエンドポイントから外れる",
        [NM_MARKED_NOT_READY] =
            "{pod} が NotReady: ノードライフサイクルコントローラーが {node} のPodを NotReady "
            "にし、Service のエンドポイントから外す",
        [NM_CONTAINER_DIED] = "{node} で {pod} のコンテナが停止",
        [NM_RESTARTED] =
            "{pod} のコンテナが {node} で同じPodのまま再起動（{n} 回目）: 永続ストレージも同じ",
        [NM_BACK_OFF] =
            "{pod} が CrashLoopBackOff: kubelet は {backoff} 後に再起動する（待ち時間は "
            "{initial} から {max} まで倍々に増える）",
        [NM_FAILED] = "{pod} が Failed フェーズに（{why}）",
        [NM_EVICTION_SCHEDULED] =
            "{pod} は {at} に退避される: {node} に {taint}:NoExecute taint "
            "があり、Podはそれを tolerationSeconds {tol} の間だけ許容する（{source}）",
        [NM_TOLERATION_DEFAULT] =
            "DefaultTolerationSeconds アドミッションプラグインが付けるデフォルトの toleration",
        [NM_TOLERATION_TEMPLATE] = "Podテンプレートの toleration",
        [NM_EVICTION_CANCELLED] = "{pod} の退避を取り消し: {node} から NoExecute taint が外れた",
        [NM_TERM_EVICTED] =
            "{pod} が Terminating: tolerationSeconds {tol} が過ぎて退避された（taint "
            "{taint}:NoExecute）",
        [NM_TERM_EVICTED_NOW] =
            "{pod} が Terminating: {node} の NoExecute taint を許容しないので直ちに退避された",
        [NM_TERM_OPERATOR] =
            "{pod} が Terminating: 運用者が削除（kubectl delete pod {pod}）、猶予期間 {grace}",
        [NM_TERM_DRAIN] = "{pod} が Terminating: kubectl drain {node} による退避、猶予期間 {grace}",
        [NM_TERM_SCALE_DOWN] =
            "{pod} が Terminating: StatefulSet がレプリカ数 {replicas} "
            "へスケールダウン。順序付きのスケーリングで大きい序数から削除する",
        [NM_TERM_UPDATE] =
            "{pod} が Terminating: ローリングアップデートでリビジョン {rev} "
            "に置き換える（大きい序数から順に）",
        [NM_TERM_FAILED] = "{pod} が Terminating: StatefulSet は {phase} のPodを削除して作り直す",
        [NM_TERM_SHUTDOWN] = "{pod} が Terminating: ノード {node} がシャットダウン中",
        [NM_TERM_OTHER] = "{pod} が Terminating: 削除要求、猶予期間 {grace}",
        [NM_KUBELET_UNREACHABLE] =
            "kubelet に到達できないので削除は終わらず、StatefulSet は別の {pod} "
            "を起動しない（1つの識別子につきPodは最大1つ）",
        [NM_KUBELET_STOPS] =
            "kubelet が terminationGracePeriodSeconds（{grace}）以内にコンテナを止める",
        [NM_GONE] = "{pod} が API から消えた: 名前 {pod} が再び使える",
        [NM_GONE_RECREATE] = "StatefulSet はこれを作り直せる",
        [NM_FORCE_RISK] =
            "{node} がネットワーク分断されているだけなら、古いコンテナが動き続けたまま、同じ識"
            "別子と同じデータで新しい {pod} が起動する",
        [NM_FORCE_PODGC_OOS] =
            "Pod GC が {pod} を強制削除: {node} に out-of-service "
            "taint（ノードは停止している、という運用者の宣言）がある",
        [NM_FORCE_PODGC_ORPHAN] =
            "Pod GC が {pod} を強制削除: ノード {node} のオブジェクトがもう存在しない（猶予 "
            "{quarantine}）",
        [NM_FORCE_OTHER] = "{pod} を強制削除: kubelet を待たずに API から削除",
        [NM_NODE_UNKNOWN] =
            "{node} が Unknown: nodeMonitorGracePeriod（{grace}）の間 Lease "
            "が更新されない。コントロールプレーンには、停止したノードと切り離されたノードの区"
            "別がつかない",
        [NM_NODE_NOT_READY] = "{node} が NotReady: kubelet の報告 {why}",
        [NM_NODE_READY] =
            "{node} が再び Ready: kubelet が状態を報告し、ノードライフサイクルコントローラーが"
            " taint を外す",
        [NM_TAINT_NO_SCHEDULE] = "{node} に taint {taint}:NoSchedule: 新しいPodは配置されない",
        [NM_TAINT_NO_EXECUTE] =
            "{node} に taint {taint}:NoExecute: 許容しないPodは退避され、tolerationSeconds "
            "の間だけ許容するPodはその時間が過ぎると退避される",
        [NM_TAINT_OUT_OF_SERVICE] =
            "{node} に taint {taint}: Pod GC が終了中のPodを強制削除し、ボリュームは直ちにデタ"
            "ッチされる",
        [NM_TAINT_OTHER] = "{node} に taint {taint}",
        [NM_UNTAINTED] = "{node} から taint {taint} を削除",
        [NM_CORDONED] = "{node} を cordon: 新しいPodはスケジュールされない",
        [NM_UNCORDONED] = "{node} を uncordon: 再びスケジュールできる",
        [NM_NODE_DELETED] =
            "ノードオブジェクト {node} を削除: Pod GC が {quarantine} "
            "の猶予の後、そのPodを強制削除する",
        [NM_NODE_POWERED_OFF] = "{node} の電源が切れる",
        [NM_NODE_CRASHED] = "{node} がクラッシュ",
        [NM_KUBELET_STARTED] =
            "{node} の kubelet が起動: Lease を更新し、まだ割り当てられているPodをその場で再起"
            "動し、やり残した削除を終える",
        [NM_ZONE_STATE] =
            "ゾーン {zone} の状態が {state}: ノードライフサイクルコントローラーは退避の速度を"
            "変える",
        [NM_FAULT_NODE_CRASH] =
            "{node} がクラッシュ（{pods}）: kubelet とコンテナは即座に止まるが、API "
            "には何も書かれず、Podは Running かつ Ready のまま見える",
        [NM_FAULT_NODE_SHUTDOWN] =
            "{node} がシャットダウン（{pods}）。shutdownGracePeriod が 0 なので kubelet "
            "はPodを先に止めない: 電源断と同じ",
        [NM_FAULT_NODE_SHUTDOWN_GRACEFUL] =
            "{node} がシャットダウン（{pods}）: グレースフルノードシャットダウン（shutdownGrac"
            "ePeriod {sgp}）により kubelet が先にPodを止める",
        [NM_FAULT_NODE_PARTITION] =
            "{node} が API サーバーから切り離される（{pods}）: "
            "コンテナは動き続けるが、kubelet は Lease を更新できない",
        [NM_FAULT_NODE_HEAL] =
            "{node} が API サーバーに再接続: kubelet が状態を報告し、やり残した削除を実行する",
        [NM_FAULT_NODE_RECOVER] = "{node} が再起動",
        [NM_FAULT_NODE_DELETE] =
            "運用者がノードオブジェクト {node} を削除（kubectl delete node {node}）: Pod GC "
            "が {quarantine} の猶予の後、そのPodを強制削除する",
        [NM_FAULT_ZONE_OUTAGE] = "ゾーン {zone} が停止: すべてのノードが止まる（{pods}）",
        [NM_FAULT_ZONE_RECOVER] = "ゾーン {zone} が復旧: 止まっていたノードが再起動",
        [NM_FAULT_TAINT] =
            "運用者が {node} に taint を付ける（kubectl taint nodes {node} {taint}）",
        [NM_FAULT_TAINT_OUT_OF_SERVICE] =
            "運用者が {node} の停止を確認して out-of-service taint を付ける（kubectl taint "
            "nodes {node} {taint}）: Pod GC が終了中のPodを強制削除し、アタッチ/デタッチコント"
            "ローラーがボリュームを直ちにデタッチする。ノードの修理後に taint を外すこと",
        [NM_FAULT_UNTAINT] = "運用者が {node} から taint {taint} を外す",
        [NM_FAULT_CORDON] = "運用者が {node} を cordon（kubectl cordon {node}）",
        [NM_FAULT_UNCORDON] = "運用者が {node} を uncordon（kubectl uncordon {node}）",
        [NM_FAULT_DRAIN] =
            "運用者が {node} をドレイン（kubectl drain {node}）: cordon してからPodを退避する",
        [NM_FAULT_POD_DELETE] = "運用者が {pod} を削除（kubectl delete pod {pod}）",
        [NM_FAULT_POD_FORCE_DELETE] =
            "運用者が {pod} を強制削除（kubectl delete pod {pod} --grace-period=0 --force）: "
            "{node} の kubelet を待たずに API から即座に消える",
        [NM_FAULT_CONTAINER_CRASH] = "{pod} のコンテナがクラッシュ",
        [NM_FAULT_SCALE_UP] =
            "運用者が {set} のレプリカ数を {from} から {to} に変更（kubectl scale statefulset "
            "{set} --replicas={to}）: 新しい序数は順に作られる（順序付きのスケーリング）",
        [NM_FAULT_SCALE_DOWN] =
            "運用者が {set} のレプリカ数を {from} から {to} に変更（kubectl scale statefulset "
            "{set} --replicas={to}）: Podは大きい序数から削除され（順序付きのスケーリング）、w"
            "henScaled が Delete でなければ永続ストレージは残る",
        [NM_FAULT_UPDATE_IMAGE] =
            "運用者が {set} のイメージを {image} に変更（kubectl set image）: "
            "新しいリビジョン。RollingUpdate は大きい序数から順に、前のPodが Ready "
            "になってから次を置き換える",
        [NM_FAULT_UPDATE_ON_DELETE] =
            "運用者が {set} のイメージを {image} に変更（kubectl set image）: "
            "新しいリビジョン。updateStrategy OnDelete では、Podは削除されたときにだけ新しいテ"
            "ンプレートになる",
        [NM_FAULT_VOLUME_LOSS] = "{claim} のディスクが失われる: データは消えた",
        [NM_FAULT_NOT_APPLIED] = "障害 #{i} {do} は適用されなかった: {note}",
        [NM_BLOCKED_TERMINATING_UNREACHABLE] =
            "{set} は {pod} が消えるのを待つ: 終了中のPodは識別子を持ち続け、{node} "
            "に到達できないので、コンテナが止まったことを誰も確認できない。Kubernetes "
            "はここから先へ自動では進まない（障害復旧の自動化はここで止まる）",
        [NM_BLOCKED_TERMINATING] =
            "{set} は {pod} の終了を待つ: 終了中のPodは消えるまで識別子を持ち続ける",
        [NM_BLOCKED_NOT_READY] =
            "{set} は {pod} が再び Running かつ Ready になるのを待つ: OrderedReady "
            "では、それまで他のPodを作成・削除・更新しない",
        [NM_BLOCKED_NOT_AVAILABLE] =
            "{set} は {pod} が minReadySeconds（{min}）の間 Ready であるのを待つ",
        [NM_BLOCKED_FAILED] = "{set} は {phase} のPod {pod} を削除して作り直す",
        [NM_BLOCKED_CLAIM_DELETING] =
            "{set} は {pod} を作れない: その永続ストレージのクレームが削除中",
        [NM_BLOCKED_CLAIM_STALE] =
            "{set} は {pod} の作成を待つ: そのクレームがまだ同じ名前の前のPodのもの",
        [NM_BLOCKED_NAME_TAKEN] = "{set} は {pod} を作れない: 同じ名前のPodがすでにある",
        [NM_BLOCKED_MAX_UNAVAILABLE] =
            "{set} は待機: ローリングアップデートが maxUnavailable の枠を使い切った（{text}）",
        [NM_BLOCKED_OTHER] = "{set} は待機: {text}",
        [NM_ADVICE_UNREACHABLE] =
            "運用者にできること: {node} の停止を確認したら out-of-service taint を付ける "
            "`kubectl taint nodes {node} node.kubernetes.io/out-of-service=nodeshutdown:NoExec"
            "ute`（Pod GC が {pod} を強制削除し、ボリュームは直ちにデタッチされ、新しい {pod} "
            "が別のノードで起動する。修理後に taint を外す）。または強制削除 `kubectl delete "
            "pod {pod} --grace-period=0 --force`。ただし {node} "
            "がネットワーク分断されているだけなら、同じデータの上で {pod} "
            "の2つ目のコピーが動き、データの整合性が失われる危険がある",
        [NM_ADVICE_MULTI_ATTACH] =
            "{pod} はまだ {other} にアタッチされたボリュームを待つ: maxWaitForUnmountDuration"
            "（{maxwait}）の後に強制デタッチされる。{other} の停止が確かなら、out-of-service "
            "taint で直ちにデタッチできる（`kubectl taint nodes {other} "
            "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`）",
        [NM_ADVICE_WAIT_EVICTION] =
            "{pod} は Ready でない {node} にいる: tolerationSeconds "
            "が尽きると退避される。{node} の停止が確かなら、out-of-service taint（`kubectl "
            "taint nodes {node} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`）で"
            "待ち時間を短くできる",
        [NM_ADVICE_ORPHAN] =
            "ノード {node} はもう存在しない: Pod GC が猶予の後に {pod} を強制削除する",
        [NM_SET_COMPLETE] = "{set} が完成: 全 {n} 個のPodが Running かつ Ready",
        [NM_SCALED] = "{set} のレプリカ数 {from} → {to}",
        [NM_TEMPLATE_UPDATED] = "{set} のPodテンプレートが {image} に: 新しいリビジョン",
        [NM_UPDATE_DONE] = "{set}: ローリングアップデート完了、全Podがリビジョン {rev}",
        [NM_PVC_DELETED_SCALED] =
            "クレーム {claim} をPodの後で削除: persistentVolumeClaimRetentionPolicy の "
            "whenScaled が Delete なので、データは消える",
        [NM_PVC_DELETED_SET] =
            "クレーム {claim} を削除: persistentVolumeClaimRetentionPolicy の whenDeleted が "
            "Delete なので、データは消える",
        [NM_PVC_DELETED] = "クレーム {claim} を削除",
        [NM_PV_LOST] = "{claim} のボリュームが失われた: データは消えた",
        [NM_VIOLATION] = "不変条件違反（{inv}）: {detail}",
        [NM_INV_AT_MOST_ONE] =
            "{obj} が同時に2つ以上動いている: StatefulSet "
            "は1つの識別子につき同時に最大1つのPodしか動かさない、という一意性の保証が破れた（"
            "スプリットブレイン）。データの整合性が失われうる",
        [NM_INV_ORDERED_CREATION] =
            "{obj}: 順序付きのデプロイ（前のPodが Running かつ Ready "
            "になってから次を作る）が破れた",
        [NM_INV_ORDERED_TERMINATION] =
            "{obj}: 順序付きのスケーリング（大きい序数から削除する）が破れた",
        [NM_INV_STABLE_STORAGE] =
            "{obj}: 各Podは常に自分の永続ストレージを使う、という保証が破れた",
        [NM_INV_SINGLE_ATTACH] =
            "{obj}: ReadWriteOnce のボリュームは同時に1つのノードにしかアタッチされない、とい"
            "う保証が破れた",
        [NM_INV_UPDATE_ORDER] =
            "{obj}: ローリングアップデートは大きい序数から置き換える、という順序が破れた",
        [NM_END] = "シミュレーション終了",
        [NM_END_CAP] = "イベント数の上限（maxEvents {max}）で実行が止まった",
        [NM_END_SET] = "{set}: {replicas} 個中 {ready} 個のPodが Running かつ Ready",
        [NM_END_POD_TERMINATING] = "{pod} は {since} から {node} で Terminating のまま",
        [NM_END_POD_NOT_SERVING] = "{pod} はサービスしていない: {state}",
        [NM_END_POD_ORPHAN] =
            "{node} では古い {pod} のコンテナがまだ動いている。Podオブジェクトは消えたが、誰も"
            "コンテナを止めていない",
        [NM_END_INVARIANTS_HELD] = "すべての不変条件が保たれた",
        [NM_END_INVARIANTS_BROKEN] = "破れた不変条件: {list}",
        [NM_NO_PODS] = "Podなし",
    },
};
/* clang-format on */
