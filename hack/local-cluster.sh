#!/usr/bin/env bash
# A local control plane for the demo and for trying the operator without Docker or a cluster: etcd and
# kube-apiserver (from hack/envtest-assets.sh), the project's CRDs, and the manager, all on 127.0.0.1.
#
#   hack/local-cluster.sh up       start what is not running yet (safe to re-run), then print how to use it
#   hack/local-cluster.sh board    start the roadmap board (kubectl roadmap serve) on it, print its URL
#   hack/local-cluster.sh down     stop exactly the processes `up` and `board` started (by the pids recorded)
#   hack/local-cluster.sh env      print `export KUBECONFIG=...` and the PATH of the project's kubectl:
#                                  eval "$(hack/local-cluster.sh env)"
#   hack/local-cluster.sh status   say what is running
#
# State lives in DEMO_DIR (default bin/demo): etcd data, certificates, kubeconfig, logs (etcd.log,
# kube-apiserver.log, manager.log) and pid files. `down` keeps it, so `up` resumes the same cluster;
# remove the directory to start from scratch. KUBEBUILDER_ASSETS, when set, names the binaries' directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${DEMO_DIR:-${root}/bin/demo}"
mkdir -p "${dir}"
dir="$(cd "${dir}" && pwd)"
state="${dir}/state.env"
manager_bin="${root}/bin/manager"
board_bin="${root}/bin/kubectl-roadmap"

log() { echo "local-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

# --- processes -------------------------------------------------------------------------------------------------

# running NAME BINARY: true when NAME.pid names a live (not zombie) process running BINARY. Checking the binary
# as well as the pid means a stale pid file, whose pid the kernel has since reused, is never mistaken for ours.
running() {
	local pidfile="${dir}/$1.pid" pid cmd stat
	[[ -f "${pidfile}" ]] || return 1
	pid="$(<"${pidfile}")"
	[[ "${pid}" =~ ^[0-9]+$ ]] || return 1
	if [[ -r "/proc/${pid}/cmdline" ]]; then
		cmd="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || return 1
		stat="$(sed 's/^.*) //' "/proc/${pid}/stat" 2>/dev/null)" || return 1
	else # no /proc (macOS)
		cmd="$(ps -p "${pid}" -o command= 2>/dev/null)" || return 1
		stat="$(ps -p "${pid}" -o stat= 2>/dev/null)" || return 1
	fi
	[[ "${cmd}" == "$2 "* && "${stat}" != Z* ]]
}

# start NAME BINARY ARGS...: start BINARY in the background in its own session (so Ctrl-C in the terminal that
# ran `up` does not reach it), output to NAME.log, pid to NAME.pid.
start() {
	local name="$1"
	shift
	if command -v setsid >/dev/null; then
		nohup setsid "$@" >"${dir}/${name}.log" 2>&1 </dev/null &
	else
		nohup "$@" >"${dir}/${name}.log" 2>&1 </dev/null &
	fi
	echo $! >"${dir}/${name}.pid"
	# Until nohup and setsid have exec'ed the binary, the pid runs something else: wait for that (briefly).
	local deadline=$((SECONDS + 10))
	until running "${name}" "$1" || ((SECONDS >= deadline)); do sleep 0.05; done
}

# stop NAME BINARY: SIGTERM, wait up to 60s, then SIGKILL; always removes the pid file.
stop() {
	local name="$1" bin="$2" pid
	if ! running "${name}" "${bin}"; then
		[[ -f "${dir}/${name}.pid" ]] && log "${name}: not running (stale pid file removed)"
		rm -f "${dir}/${name}.pid"
		return 0
	fi
	pid="$(<"${dir}/${name}.pid")"
	log "${name}: stopping pid ${pid}"
	kill -TERM "${pid}" 2>/dev/null || true
	local deadline=$((SECONDS + 60))
	while running "${name}" "${bin}"; do
		if ((SECONDS >= deadline)); then
			log "${name}: still running after 60s, sending SIGKILL"
			kill -KILL "${pid}" 2>/dev/null || true
			deadline=$((SECONDS + 10))
			while running "${name}" "${bin}" && ((SECONDS < deadline)); do sleep 0.2; done
			break
		fi
		sleep 0.2
	done
	running "${name}" "${bin}" && die "${name}: pid ${pid} did not exit"
	rm -f "${dir}/${name}.pid"
}

# alive NAME BINARY: fail, with the end of NAME's log, unless the process is running.
alive() {
	running "$1" "$2" && return
	log "$1 exited; the end of ${dir}/$1.log:"
	tail -n 20 "${dir}/$1.log" >&2 || true
	exit 1
}

# wait_for NAME BINARY SECONDS CHECK...: wait until CHECK succeeds, failing early if the process exits.
wait_for() {
	local name="$1" bin="$2" deadline=$((SECONDS + $3))
	shift 3
	until "$@" >/dev/null 2>&1; do
		alive "${name}" "${bin}"
		((SECONDS < deadline)) || die "${name} not healthy after $3s; see ${dir}/${name}.log"
		sleep 0.3
	done
}

# --- ports and HTTP, in plain bash -----------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port VAR: keep the port in VAR (from the last run) when it is still free, otherwise set VAR to a random
# free port below the ephemeral range. Ports picked in this run are remembered so two components never get the
# same one.
taken_ports=" "
pick_port() {
	local port="${!1}"
	if [[ -z "${port}" ]] || port_in_use "${port}" || [[ "${taken_ports}" == *" ${port} "* ]]; then
		port=""
		for _ in $(seq 200); do
			port=$((20000 + RANDOM % 12000))
			[[ "${taken_ports}" != *" ${port} "* ]] && ! port_in_use "${port}" && break
			port=""
		done
		[[ -n "${port}" ]] || die "no free port found on 127.0.0.1"
	fi
	taken_ports+="${port} "
	printf -v "$1" '%s' "${port}"
}

# http_ok PORT PATH: true when GET http://127.0.0.1:PORT/PATH answers 200.
http_ok() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1"
		printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
		IFS= read -r -t 5 status <&3
		[[ "${status}" == "HTTP/1."?" 200"* ]]
	) 2>/dev/null
}

# --- state -----------------------------------------------------------------------------------------------------

ASSETS="" ETCD_PORT="" ETCD_PEER_PORT="" APISERVER_PORT="" PROBE_PORT="" BOARD_PORT=""
# shellcheck source=/dev/null
[[ -f "${state}" ]] && source "${state}"

save_state() {
	local var
	for var in ASSETS ETCD_PORT ETCD_PEER_PORT APISERVER_PORT PROBE_PORT BOARD_PORT; do
		printf '%s=%q\n' "${var}" "${!var}"
	done >"${state}"
}

find_assets() {
	if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
		ASSETS="${KUBEBUILDER_ASSETS}"
	else
		log "control-plane binaries (kube-apiserver, etcd, kubectl) from hack/envtest-assets.sh:"
		log "  on a cold machine it downloads the released envtest binaries (a minute) or, without the internet,"
		log "  builds them from Go module sources (10-15 minutes on 2 cores), once; afterwards they are cached in"
		log "  bin/k8s and this takes a second"
		ASSETS="$("${root}/hack/envtest-assets.sh" | tail -1)"
	fi
	for bin in etcd kube-apiserver kubectl; do
		[[ -x "${ASSETS}/${bin}" ]] || die "${ASSETS}/${bin} is missing"
	done
}

kubectl() { "${ASSETS}/kubectl" --kubeconfig "${dir}/kubeconfig" "$@"; }

# --- up --------------------------------------------------------------------------------------------------------

start_etcd() {
	if running etcd "${ASSETS}/etcd"; then
		log "etcd: already running (pid $(<"${dir}/etcd.pid"), 127.0.0.1:${ETCD_PORT})"
		return
	fi
	pick_port ETCD_PORT
	pick_port ETCD_PEER_PORT
	log "etcd: starting on 127.0.0.1:${ETCD_PORT}, data in ${dir}/etcd"
	start etcd "${ASSETS}/etcd" --name=demo --data-dir="${dir}/etcd" \
		--listen-client-urls="http://127.0.0.1:${ETCD_PORT}" \
		--advertise-client-urls="http://127.0.0.1:${ETCD_PORT}" \
		--listen-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
		--initial-advertise-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
		--initial-cluster="demo=http://127.0.0.1:${ETCD_PEER_PORT}" \
		--listen-metrics-urls="" --unsafe-no-fsync
	save_state
	wait_for etcd "${ASSETS}/etcd" 60 http_ok "${ETCD_PORT}" /health
}

write_credentials() {
	mkdir -p "${dir}/certs"
	if [[ ! -f "${dir}/certs/sa.key" || ! -f "${dir}/certs/sa.pub" ]]; then
		if command -v openssl >/dev/null; then
			openssl genrsa -out "${dir}/certs/sa.key" 2048 2>/dev/null
			openssl rsa -in "${dir}/certs/sa.key" -pubout -out "${dir}/certs/sa.pub" 2>/dev/null
		else
			(cd "${root}" && go run ./hack/sa-keygen "${dir}/certs")
		fi
	fi
	if [[ ! -f "${dir}/token.csv" ]]; then
		# The admin's bearer token: a member of system:masters, like kubeadm's admin.conf user.
		local token
		token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
		(umask 077 && echo "${token},demo-admin,demo-admin,system:masters" >"${dir}/token.csv")
	fi
}

start_apiserver() {
	if running kube-apiserver "${ASSETS}/kube-apiserver"; then
		log "kube-apiserver: already running (pid $(<"${dir}/kube-apiserver.pid"), https://127.0.0.1:${APISERVER_PORT})"
		return
	fi
	write_credentials
	pick_port APISERVER_PORT
	log "kube-apiserver: starting on https://127.0.0.1:${APISERVER_PORT}"
	# The flag set of controller-runtime's envtest, plus a token file for the admin. The apiserver writes a
	# self-signed serving certificate (and its CA) into --cert-dir; the kubeconfig trusts exactly that.
	start kube-apiserver "${ASSETS}/kube-apiserver" \
		--etcd-servers="http://127.0.0.1:${ETCD_PORT}" \
		--bind-address=127.0.0.1 --secure-port="${APISERVER_PORT}" \
		--advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
		--cert-dir="${dir}/certs" \
		--authorization-mode=RBAC --token-auth-file="${dir}/token.csv" \
		--service-account-issuer="https://127.0.0.1:${APISERVER_PORT}" \
		--service-account-key-file="${dir}/certs/sa.pub" \
		--service-account-signing-key-file="${dir}/certs/sa.key" \
		--service-cluster-ip-range=10.0.0.0/24 \
		--disable-admission-plugins=ServiceAccount --allow-privileged=true
	save_state
	local deadline=$((SECONDS + 60))
	until [[ -s "${dir}/certs/apiserver.crt" ]]; do
		alive kube-apiserver "${ASSETS}/kube-apiserver"
		((SECONDS < deadline)) || die "kube-apiserver wrote no certificate; see ${dir}/kube-apiserver.log"
		sleep 0.2
	done
	write_kubeconfig
	wait_for kube-apiserver "${ASSETS}/kube-apiserver" 120 kubectl get --raw /readyz
}

write_kubeconfig() {
	local token kc="${dir}/kubeconfig"
	token="$(cut -d, -f1 "${dir}/token.csv")"
	rm -f "${kc}"
	kubectl config set-cluster roadmap-demo --server="https://127.0.0.1:${APISERVER_PORT}" \
		--certificate-authority="${dir}/certs/apiserver.crt" --embed-certs=true >/dev/null
	kubectl config set-credentials demo-admin --token="${token}" >/dev/null
	kubectl config set-context roadmap-demo --cluster=roadmap-demo --user=demo-admin >/dev/null
	kubectl config use-context roadmap-demo >/dev/null
	chmod 600 "${kc}"
}

install_crds() {
	log "CRDs: applying config/crd/bases and waiting until they are Established"
	kubectl apply --server-side --force-conflicts -f "${root}/config/crd/bases" >/dev/null
	kubectl wait --for=condition=Established -f "${root}/config/crd/bases" --timeout=60s >/dev/null
}

start_manager() {
	if running manager "${manager_bin}"; then
		log "manager: already running (pid $(<"${dir}/manager.pid"), logs in ${dir}/manager.log)"
		return
	fi
	log "manager: building bin/manager"
	(cd "${root}" && go build -o "${manager_bin}" ./cmd/manager)
	pick_port PROBE_PORT
	log "manager: starting, logs in ${dir}/manager.log"
	KUBECONFIG="${dir}/kubeconfig" start manager "${manager_bin}" \
		--health-probe-bind-address="127.0.0.1:${PROBE_PORT}" --metrics-bind-address=0
	save_state
	wait_for manager "${manager_bin}" 60 http_ok "${PROBE_PORT}" /readyz
}

up() {
	find_assets
	if running etcd "${ASSETS}/etcd" && running kube-apiserver "${ASSETS}/kube-apiserver" &&
		running manager "${manager_bin}"; then
		log "already up"
	elif ! running etcd "${ASSETS}/etcd" && running kube-apiserver "${ASSETS}/kube-apiserver"; then
		# The apiserver lost its etcd: restart it (and the manager) on a fresh etcd.
		stop manager "${manager_bin}"
		stop kube-apiserver "${ASSETS}/kube-apiserver"
	fi
	save_state
	start_etcd
	if ! running kube-apiserver "${ASSETS}/kube-apiserver"; then
		stop manager "${manager_bin}" # it talks to the apiserver's old port
		stop board "${board_bin}"
	fi
	start_apiserver
	install_crds
	start_manager
	log "up: kube-apiserver https://127.0.0.1:${APISERVER_PORT}, kubeconfig ${dir}/kubeconfig"
	log "  use it with: eval \"\$(hack/local-cluster.sh env)\"; stop it with: hack/local-cluster.sh down"
}

# board: start `kubectl roadmap serve` against the local cluster (once), and print its URL.
board() {
	[[ -f "${dir}/kubeconfig" ]] || die "not set up yet: run hack/local-cluster.sh up"
	if running board "${board_bin}"; then
		log "board: already running (pid $(<"${dir}/board.pid"), http://127.0.0.1:${BOARD_PORT}/)"
	else
		log "board: building bin/kubectl-roadmap"
		(cd "${root}" && go build -o "${board_bin}" ./cmd/kubectl-roadmap)
		pick_port BOARD_PORT
		log "board: starting kubectl roadmap serve, logs in ${dir}/board.log"
		start board "${board_bin}" serve --kubeconfig "${dir}/kubeconfig" --address "127.0.0.1:${BOARD_PORT}"
		save_state
		wait_for board "${board_bin}" 60 http_ok "${BOARD_PORT}" /
	fi
	echo "http://127.0.0.1:${BOARD_PORT}/"
}

down() {
	stop board "${board_bin}"
	# The manager first (it talks to the apiserver), then the apiserver (it shuts down cleanly only while
	# etcd is there), then etcd. Binaries are those recorded by `up`, so a rebuilt bin/k8s does not matter.
	stop manager "${manager_bin}"
	if [[ -n "${ASSETS}" ]]; then
		stop kube-apiserver "${ASSETS}/kube-apiserver"
		stop etcd "${ASSETS}/etcd"
	fi
	log "down (state kept in ${dir}; remove it to start from scratch)"
}

env_() {
	[[ -f "${dir}/kubeconfig" && -n "${ASSETS}" ]] || die "not set up yet: run hack/local-cluster.sh up"
	printf 'export KUBECONFIG=%q\n' "${dir}/kubeconfig"
	# shellcheck disable=SC2016 # $PATH is for the shell that evals this
	printf 'export PATH=%q:"$PATH"\n' "${ASSETS}"
}

status() {
	local name bin
	for name in etcd kube-apiserver manager board; do
		bin="${ASSETS}/${name}"
		[[ "${name}" == manager ]] && bin="${manager_bin}"
		[[ "${name}" == board ]] && bin="${board_bin}"
		if [[ -n "${ASSETS}" ]] && running "${name}" "${bin}"; then
			echo "${name}: running, pid $(<"${dir}/${name}.pid"), log ${dir}/${name}.log"
		else
			echo "${name}: stopped"
		fi
	done
}

case "${1:-}" in
up) up ;;
board) board ;;
down) down ;;
env) env_ ;;
status) status ;;
*)
	echo "usage: $0 up|board|down|env|status" >&2
	exit 2
	;;
esac
