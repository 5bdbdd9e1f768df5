#!/usr/bin/env bash
# make demo: the product doing its job on a local control plane, no Docker or cluster needed.
#
# Starts etcd, kube-apiserver and the manager (hack/local-cluster.sh up), applies the sample roadmap in
# config/samples, shows the standup view, declares the event bus Available the way a platform team would, waits
# for the watches to unblock the innovation work that needed it, and shows what changed; the roadmap board
# (kubectl roadmap serve) follows it live, and its URL is printed at the end. Safe to re-run: the
# sample objects are deleted and applied again, which puts the event bus back to Planned.
#
# DEMO_DIR (default bin/demo) holds the control plane's state; DEMO_TIMEOUT (default 120s) bounds each wait.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
export DEMO_DIR="${DEMO_DIR:-${root}/bin/demo}"
timeout="${DEMO_TIMEOUT:-120s}"
# The capability the story turns on.
capability=event-bus

if [[ -t 1 ]]; then bold=$'\e[1m' plain=$'\e[0m'; else bold="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "${bold}" "$*" "${plain}"; }
# show 'COMMAND': print a command line as a reader would type it, then run it.
show() {
	printf '$ %s\n' "$1"
	eval "$1"
}
# now_ms: milliseconds since the epoch (GNU date), or whole seconds when date cannot say.
now_ms() {
	local t
	t="$(date +%s%3N)"
	[[ "${t}" =~ ^[0-9]+$ ]] && echo "${t}" || echo "$(($(date +%s) * 1000))"
}

step "Starting a local control plane: etcd, kube-apiserver and the roadmap-operator manager (DEMO_DIR=${DEMO_DIR#"${root}"/})"
hack/local-cluster.sh up
eval "$(hack/local-cluster.sh env)" # KUBECONFIG, and the project's kubectl first on PATH
# The roadmap board (kubectl roadmap serve), live while the story happens.
board_url="$(hack/local-cluster.sh board)"

step "Applying the sample roadmap: company goals, platform capabilities, operations and innovation initiatives"
# On a re-run, start the story from the beginning: delete the sample roadmap objects (not the namespaces: no
# namespace controller runs here to finalise their deletion), so even objects stored under an older version of
# the CRDs are replaced.
samples=()
for file in config/samples/*.yaml; do
	case "${file##*/}" in kustomization.yaml | 00-namespaces.yaml) ;; *) samples+=(-f "${file}") ;; esac
done
kubectl delete --ignore-not-found "${samples[@]}" -f config/samples/workloads >/dev/null
show "kubectl apply --server-side -k config/samples"
# The admission policies of config/policy (the workload gate among them), as a platform team installs them.
show "kubectl apply --server-side -k config/policy"

# The initiatives whose story this is: open work that requires the capability.
gated=()
while read -r ns name state requires; do
	[[ "${state}" == Done || "${state}" == Cancelled ]] && continue
	[[ "${requires}" == *"\"${capability}\""* ]] && gated+=("${ns}/${name}")
done < <(kubectl get initiatives -A -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{" "}{.spec.state}{" "}{.spec.requires}{"\n"}{end}')
((${#gated[@]} > 0)) || { echo "no open initiative in config/samples requires ${capability}" >&2; exit 1; }

# Wait until the operator has evaluated everything, and (on a re-run) has seen the capability go back to Planned.
kubectl wait --for=jsonpath='{.status.phase}' capabilities --all --timeout="${timeout}" >/dev/null
kubectl wait --for=jsonpath='{.status.phase}' initiatives --all -A --timeout="${timeout}" >/dev/null
kubectl wait --for=jsonpath='{.status.phase}'=Planned "capability/${capability}" --timeout="${timeout}" >/dev/null
# Settled: Blocked, and waiting on a capability that is planned (until the operator has seen the providing
# initiatives, applied in the same batch, the reason is NoProvider).
for key in "${gated[@]}"; do
	kubectl wait initiative "${key#*/}" -n "${key%%/*}" --timeout="${timeout}" --for=jsonpath='{.status.phase}'=Blocked \
		--for=jsonpath='{.status.conditions[?(@.type=="Ready")].reason}'=CapabilityNotReady >/dev/null
done

columns='NAMESPACE:.metadata.namespace,NAME:.metadata.name,PHASE:.status.phase,BLOCKED-BY:.status.summary'
before="$(kubectl get initiatives -A --no-headers -o "custom-columns=${columns}")"

step "The standup view: innovation work is Blocked until the capabilities it needs are Ready"
show "kubectl get goals,capabilities,initiatives -A"

# What each gated initiative should look like once the capability is Ready: Ready when it was the only
# blocker, otherwise still Blocked by the rest, whose summary is the first two remaining messages and a count.
expect_ready=() expect_summary=()
for key in "${gated[@]}"; do
	remaining=()
	while IFS=$'\t' read -r kind name message; do
		[[ "${kind}" == Capability && "${name}" == "${capability}" ]] || remaining+=("${message}")
	done < <(kubectl get initiative "${key#*/}" -n "${key%%/*}" \
		-o jsonpath='{range .status.blockedBy[*]}{.kind}{"\t"}{.name}{"\t"}{.message}{"\n"}{end}')
	if ((${#remaining[@]} == 0)); then
		expect_ready+=("${key}")
	else
		summary="${remaining[0]}"
		((${#remaining[@]} > 1)) && summary+=", ${remaining[1]}"
		((${#remaining[@]} > 2)) && summary+=" (+$((${#remaining[@]} - 2)) more)"
		expect_summary+=("${key}"$'\t'"${summary}")
	fi
done

step "The workload gate: team-checkout deploys order-events while the ${capability} is not Ready"
# The apiserver loads a new policy and its params within seconds: retry a server-side dry run until it answers
# with the gate's verdict (bounded), then show the real attempt.
for _ in $(seq 1 150); do
	verdict="$(kubectl create --dry-run=server -f config/samples/workloads/order-events.yaml 2>&1 || true)"
	[[ "${verdict}" == *"roadmap-workload-gate"* ]] && break
	sleep 0.2
done
show "kubectl create -f config/samples/workloads/order-events.yaml || true"
echo
echo "Shadow IT in team-marketing (roadmap.dev/workloads=audit: admitted, and reported):"
show "kubectl create -f config/samples/workloads/campaign-bot.yaml"
show "bin/kubectl-roadmap standup -A --since 1h | sed -n '/Work no initiative explains/,\$p'"

step "The platform team declares the ${capability} Available"
show "kubectl patch capability ${capability} --type merge -p '{\"spec\":{\"lifecycle\":\"Available\"}}'"
echo "Waiting for the watches to re-evaluate what requires it (kubectl wait: no polling, no sleeps)..."
start="$(now_ms)"
kubectl wait --for=condition=Ready "capability/${capability}" --timeout="${timeout}" >/dev/null
for key in "${expect_ready[@]}"; do
	kubectl wait --for=jsonpath='{.status.phase}'=Ready initiative "${key#*/}" -n "${key%%/*}" --timeout="${timeout}" >/dev/null
done
for entry in "${expect_summary[@]+"${expect_summary[@]}"}"; do
	key="${entry%%$'\t'*}"
	kubectl wait --for=jsonpath="{.status.summary}=${entry#*$'\t'}" initiative "${key#*/}" -n "${key%%/*}" \
		--timeout="${timeout}" >/dev/null
done
elapsed=$(($(now_ms) - start))
printf 'Every dependent re-evaluated within %d.%ds (kubectl start-up included).\n' $((elapsed / 1000)) $((elapsed % 1000 / 100))

step "The workload gate again: order-events may deploy now"
show "kubectl create -f config/samples/workloads/order-events.yaml"

step "The standup view again"
show "kubectl get capabilities"
echo
show "kubectl get initiatives -A"
after="$(kubectl get initiatives -A --no-headers -o "custom-columns=${columns}")"

step "What changed"
# Join the two custom-columns listings on namespace/name; the summary is everything after the third column.
awk '
	function rest(   s) { s = $0; sub(/^[^ ]+ +[^ ]+ +[^ ]+ */, "", s); return s == "<none>" ? "" : s }
	NR == FNR { phase[$1 "/" $2] = $3; summary[$1 "/" $2] = rest(); next }
	{
		key = $1 "/" $2; now = rest()
		if (phase[key] != $3) {
			line = sprintf("  %-46s %s -> %s", key, phase[key], $3)
			if (now != "") line = line "  (" now ")"
			print line; changed++
		} else if (summary[key] != now) {
			printf "  %-46s still %s, now only by: %s\n", key, $3, now; changed++
		}
	}
	END { if (!changed) print "  nothing" }
' <(echo "${before}") <(echo "${after}")

step "Keep exploring"
cat <<EOF
  export KUBECONFIG=${KUBECONFIG}
  export PATH=${PATH%%:*}:\$PATH
  kubectl describe initiative realtime-recommendations -n team-personalisation
  kubectl get initiatives -A -l track=innovation --sort-by=.spec.targetDate
  kubectl patch capability feature-flags --type merge -p '{"spec":{"lifecycle":"Available"}}'
  kubectl get roadmap -A

  Roadmap board: ${board_url} (kubectl roadmap serve: the story above, live in a browser)
  The operator's log is ${DEMO_DIR}/manager.log. Stop everything (the board too) with: make demo-down

  Evidence from other clusters: the manager runs outside a cluster here, so it reads cluster kubeconfig
  Secrets from namespace roadmap-operator-system (--cluster-secrets-namespace); see docs/platform-teams.md.
EOF
