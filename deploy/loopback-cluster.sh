#!/usr/bin/env bash
# deploy/loopback-cluster.sh — an ActorHttp cluster on this machine: NODES nodes on 127.0.0.1 and HAProxy in front.
#
#   deploy/loopback-cluster.sh start     # build (unless AH_BIN), start the nodes, wait until each is Up, start HAProxy
#   deploy/loopback-cluster.sh status    # each node's pid, ports and /health; HAProxy's view of every server
#   deploy/loopback-cluster.sh stop      # SIGTERM to every node (each leaves the cluster and exits 0), then HAProxy
#   deploy/loopback-cluster.sh restart-node N   # SIGTERM node N, wait for its exit, start it again, wait until Up
#   deploy/loopback-cluster.sh rolling-restart  # restart-node 1, 2, ... NODES, each back in the balancer first
#
# Then: curl -X POST http://127.0.0.1:8080/counter/a    (through the balancer, to whichever node owns entity a)
#
# Node i (1..NODES) serves HTTP on HTTP_BASE+i-1 and remoting on REMOTE_BASE+i-1; every node lists every node as a
# seed, so any of them can start the cluster or rejoin it. Each node runs
#   ActorHttp --config hocon/cluster.conf --port HTTP --set actorhttp.cluster.enabled=on
#             --set actorhttp.cluster.port=REMOTE --set actorhttp.cluster.seed-nodes=[...] (+ the journal, NODE_ARGS)
# with the shared SQLite journal $CLUSTER_DIR/journal.db unless JOURNAL_PROVIDER/JOURNAL_CONNECTION say otherwise:
# a node's entities replay on the survivors when it dies, so every node must reach the same journal.
# HAProxy runs deploy/haproxy.cfg with one `server` line per node (health checks on GET /health).
#
# Settings (environment variables, defaults in brackets):
#   NODES [3]  HTTP_BASE [8081]  REMOTE_BASE [4053]  LB_PORT [8080]  LB_STATS_PORT [LB_PORT+1000]
#   CLUSTER_DIR [/tmp/actorhttp-cluster-LB_PORT] — pids, logs (node-i.log, haproxy.log), haproxy.cfg, the journal
#   AH_BIN []  — a folder holding a built ActorHttp (ActorHttp.dll); empty = `dotnet build -c Release` into
#                BUILD_DIR [/tmp/actorhttp-cluster-build]
#   CONFIG [<repo>/hocon/cluster.conf]  ROOT [<repo>/www]
#   JOURNAL_PROVIDER [sqlite]  JOURNAL_CONNECTION ["Data Source=$CLUSTER_DIR/journal.db"]
#   NODE_ARGS [--set actorhttp.access-log=off] — more arguments for every node
#   START_TIMEOUT [90] — seconds for all nodes to be Up and HAProxy to see them; STOP_TIMEOUT [40] per stop
# Everything listens on 127.0.0.1 only. Every wait is bounded; `stop` kills (SIGKILL) what did not exit in time.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${NODES:=3}" "${HTTP_BASE:=8081}" "${REMOTE_BASE:=4053}" "${LB_PORT:=8080}"
: "${LB_STATS_PORT:=$((LB_PORT + 1000))}" "${CLUSTER_DIR:=/tmp/actorhttp-cluster-$LB_PORT}"
: "${AH_BIN:=}" "${BUILD_DIR:=/tmp/actorhttp-cluster-build}" "${CONFIG:=$REPO/hocon/cluster.conf}" "${ROOT:=$REPO/www}"
: "${JOURNAL_PROVIDER:=sqlite}" "${JOURNAL_CONNECTION:=Data Source=$CLUSTER_DIR/journal.db}"
: "${NODE_ARGS=--set actorhttp.access-log=off}" "${START_TIMEOUT:=90}" "${STOP_TIMEOUT:=40}"
HOST=127.0.0.1

say() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

http_port() { echo $((HTTP_BASE + $1 - 1)); }
remote_port() { echo $((REMOTE_BASE + $1 - 1)); }
pid_of() { [[ -f "$CLUSTER_DIR/$1.pid" ]] && cat "$CLUSTER_DIR/$1.pid" || true; }
alive() { local pid; pid=$(pid_of "$1"); [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }

# The status code of GET url within 2 s, or 000 when nothing answered.
status_of() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true; }

seed_nodes() {
  local list="" i
  for ((i = 1; i <= NODES; i++)); do list+="${list:+,}\"akka.tcp://actorhttp@$HOST:$(remote_port "$i")\""; done
  echo "[$list]"
}

ensure_tools() {
  local missing=()
  command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if (( ${#missing[@]} )); then
    say "apt-get install ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >"$CLUSTER_DIR/apt.log" 2>&1 \
      || die "could not install ${missing[*]} (see $CLUSTER_DIR/apt.log)"
  fi
}

haproxy_bin() { command -v haproxy 2>/dev/null || echo /usr/sbin/haproxy; }

ensure_build() {
  if [[ -n "$AH_BIN" ]]; then
    [[ -f "$AH_BIN/ActorHttp.dll" ]] || die "AH_BIN=$AH_BIN holds no ActorHttp.dll"
    return
  fi
  AH_BIN=$BUILD_DIR
  say "dotnet build -c Release -o $AH_BIN (log: $CLUSTER_DIR/build.log)"
  timeout 600 dotnet build "$REPO/src/ActorHttp" -c Release -o "$AH_BIN" -nologo -v q >"$CLUSTER_DIR/build.log" 2>&1 \
    || die "build failed (see $CLUSTER_DIR/build.log)"
}

start_node() {   # i
  local i=$1 port remote
  port=$(http_port "$i"); remote=$(remote_port "$i")
  alive "node-$i" && die "node $i is already running (pid $(pid_of "node-$i"))"
  local args=(--config "$CONFIG" --root "$ROOT" --host "$HOST" --port "$port"
    --set actorhttp.cluster.enabled=on --set "actorhttp.cluster.hostname=\"$HOST\""
    --set "actorhttp.cluster.port=$remote" --set "actorhttp.cluster.seed-nodes=$(seed_nodes)"
    --set "actorhttp.cluster.journal.provider=$JOURNAL_PROVIDER"
    --set "actorhttp.cluster.journal.connection-string=\"$JOURNAL_CONNECTION\"")
  # NODE_ARGS is split on spaces on purpose: a list of --set PATH=VALUE words.
  # shellcheck disable=SC2206
  args+=($NODE_ARGS)
  # setsid: the node keeps running after this script returns and is not hit by a Ctrl+C meant for the shell.
  (cd "$CLUSTER_DIR" && exec setsid dotnet "$AH_BIN/ActorHttp.dll" "${args[@]}" >"node-$i.log" 2>&1 </dev/null) &
  echo $! >"$CLUSTER_DIR/node-$i.pid"
  say "node $i: pid $!, http $HOST:$port, remoting $remote, log $CLUSTER_DIR/node-$i.log"
}

# Waits until node i answers 200 on /health (Up in the cluster), or fails after the deadline (epoch seconds).
wait_up() {   # i deadline
  local i=$1 deadline=$2 port
  port=$(http_port "$i")
  while [[ "$(status_of "http://$HOST:$port/health")" != 200 ]]; do
    alive "node-$i" || die "node $i exited; last lines of its log:$(printf '\n'; tail -n 20 "$CLUSTER_DIR/node-$i.log")"
    (( $(date +%s) < deadline )) || die "node $i not Up within ${START_TIMEOUT}s (see $CLUSTER_DIR/node-$i.log)"
    sleep 0.5
  done
}

# Sends SIGTERM to node i and waits for its exit; SIGKILL after STOP_TIMEOUT. Prints the exit status.
stop_node() {   # i
  local i=$1 pid deadline
  pid=$(pid_of "node-$i")
  [[ -n "$pid" ]] || return 0
  if kill -TERM "$pid" 2>/dev/null; then
    deadline=$(( $(date +%s) + STOP_TIMEOUT ))
    while kill -0 "$pid" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "node $i (pid $pid) did not exit within ${STOP_TIMEOUT}s after SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    else
      say "node $i (pid $pid) exited"
    fi
  fi
  rm -f "$CLUSTER_DIR/node-$i.pid"
}

start_haproxy() {
  local servers="" i
  for ((i = 1; i <= NODES; i++)); do servers+="    server node$i $HOST:$(http_port "$i") check\n"; done
  # The servers replace the marker line (awk turns the \n of -v values into newlines); the rest is used as it is.
  awk -v servers="$servers" '/^[ \t]*# @servers@[ \t]*$/ { printf "%s", servers; next } { print }' \
    "$REPO/deploy/haproxy.cfg" >"$CLUSTER_DIR/haproxy.cfg"
  export LB_BIND="$HOST:$LB_PORT" LB_STATS_BIND="$HOST:$LB_STATS_PORT"
  "$(haproxy_bin)" -c -q -f "$CLUSTER_DIR/haproxy.cfg" || die "haproxy rejected $CLUSTER_DIR/haproxy.cfg"
  (cd "$CLUSTER_DIR" && exec setsid "$(haproxy_bin)" -db -f "$CLUSTER_DIR/haproxy.cfg" >haproxy.log 2>&1 </dev/null) &
  echo $! >"$CLUSTER_DIR/haproxy.pid"
  say "haproxy: pid $!, http://$HOST:$LB_PORT/ (stats http://$HOST:$LB_STATS_PORT/stats)"
}

# The servers HAProxy marks UP (all, or node N's alone), from its statistics CSV (column 18 is the status).
servers_up() {   # [N]
  curl -s -m 2 "http://$HOST:$LB_STATS_PORT/stats;csv" 2>/dev/null \
    | awk -F, -v name="node${1:-}" '$1 == "nodes" && index($2, name) == 1 && $18 == "UP"' | wc -l
}

cmd_start() {
  mkdir -p "$CLUSTER_DIR"
  ensure_tools
  ensure_build
  # stop, status and restart-node read these back, so they act on the cluster that was started.
  declare -p NODES HTTP_BASE REMOTE_BASE LB_PORT LB_STATS_PORT AH_BIN CONFIG ROOT JOURNAL_PROVIDER JOURNAL_CONNECTION \
    NODE_ARGS >"$CLUSTER_DIR/settings"
  local i deadline
  deadline=$(( $(date +%s) + START_TIMEOUT ))
  # A start that fails half-way stops what it started.
  trap 'say "start failed: stopping what was started"; cmd_stop' ERR EXIT
  for ((i = 1; i <= NODES; i++)); do start_node "$i"; done
  for ((i = 1; i <= NODES; i++)); do wait_up "$i" "$deadline"; say "node $i is Up"; done
  alive haproxy && die "haproxy is already running (pid $(pid_of haproxy))"
  start_haproxy
  while (( $(servers_up) < NODES )); do
    alive haproxy || die "haproxy exited; see $CLUSTER_DIR/haproxy.log"
    (( $(date +%s) < deadline )) || die "haproxy does not see all $NODES nodes UP within ${START_TIMEOUT}s"
    sleep 0.5
  done
  trap - ERR EXIT
  say "cluster of $NODES behind http://$HOST:$LB_PORT/ (logs in $CLUSTER_DIR)"
}

cmd_stop() {
  local i
  # One node at a time: each hands its shards to the others before the next one leaves.
  for ((i = 1; i <= NODES; i++)); do stop_node "$i"; done
  local pid
  pid=$(pid_of haproxy)
  if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; rm -f "$CLUSTER_DIR/haproxy.pid"; say "haproxy stopped"; fi
  say "logs kept in $CLUSTER_DIR"
}

cmd_status() {
  local i
  for ((i = 1; i <= NODES; i++)); do
    if alive "node-$i"; then
      echo "node $i: pid $(pid_of "node-$i"), http $HOST:$(http_port "$i") (/health $(status_of "http://$HOST:$(http_port "$i")/health")), remoting $(remote_port "$i")"
    else
      echo "node $i: not running"
    fi
  done
  if alive haproxy; then
    echo "haproxy: pid $(pid_of haproxy), http://$HOST:$LB_PORT/, $(servers_up) of $NODES nodes UP"
    curl -s -m 2 "http://$HOST:$LB_STATS_PORT/stats;csv" | awk -F, '$1 == "nodes" && $2 ~ /^node/ { print "  " $2 ": " $18 }'
  else
    echo "haproxy: not running"
  fi
}

cmd_restart_node() {   # i
  local i=${1:?restart-node needs a node number}
  (( i >= 1 && i <= NODES )) || die "no node $i (NODES=$NODES)"
  alive haproxy || die "no cluster running in $CLUSTER_DIR (start it first)"
  stop_node "$i"
  start_node "$i"
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  wait_up "$i" "$deadline"
  # Back in the balancer too (rise 2: about a second), so a rolling restart never has two nodes out at once.
  while (( $(servers_up "$i") < 1 )); do
    (( $(date +%s) < deadline )) || die "haproxy does not see node $i UP within ${START_TIMEOUT}s"
    sleep 0.25
  done
  say "node $i is Up again and in the balancer"
}

cmd_rolling_restart() {
  local i
  for ((i = 1; i <= NODES; i++)); do cmd_restart_node "$i"; done
}

# What `start` recorded, for the other subcommands (the same CLUSTER_DIR, so the same LB_PORT or CLUSTER_DIR).
if [[ "${1:-}" != start && -f "$CLUSTER_DIR/settings" ]]; then
  # shellcheck disable=SC1091
  source "$CLUSTER_DIR/settings"
fi

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart-node) cmd_restart_node "${2:-}" ;;
  rolling-restart) cmd_rolling_restart ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
