#!/usr/bin/env bash
# bench/run.sh — ActorHttp vs nginx vs Kestrel on loopback, one command.
#
#   bench/run.sh                 # full run (~20 min on 2 cores): REPEAT=3, 10 s per wrk run
#   QUICK=1 bench/run.sh         # smoke run (~4-5 min): REPEAT=1, 3 s runs, 2,000 sockets, 256 MiB file
#   SCENARIOS=hostile bench/run.sh   # one scenario only (any subset of the list below)
#
# What it does:
#   1. builds ActorHttp (Release, `dotnet build -o $BUILD_DIR/actorhttp`; never into the source tree's bin/),
#      the Kestrel peer (bench/Kestrel), the socket load client (bench/SleepLoad) and the report tool
#      (bench/Report); installs nginx and wrk with apt-get when missing;
#   2. copies the repo's www/ to a temp dir and adds a generated big file (BIG_FILE_MB, default 1 GiB; never
#      committed, deleted at exit), writes an nginx config (loopback, worker_processes auto, sendfile on,
#      huge keepalive_requests, access_log off) and starts the three servers on loopback ports serving it;
#   3. runs every scenario REPEAT times, alternating the servers (the order rotates every repeat):
#        keepalive  wrk -t2 -c{16,64,256} on /hello.html                      -> requests/s, p50/p99 latency
#        close      wrk -t2 -c$CLOSE_CONNS -H 'Connection: close' /hello.html  -> requests/s (1 request/connection)
#        sleep      $SLEEP_CONNS concurrent GET /sleep (server delay $SLEEP_DELAY_S s; nginx: n/a)
#                   -> all answered?, wall time, server peak RSS
#        bigfile    curl of the big file twice (fresh server, then warm) -> MiB/s each, server peak RSS
#        slowreaders $SLOW_CLIENTS clients read the big file at $SLOW_RATE for $SLOW_SECONDS s (after one 100 MB
#                   download) -> growth of the server's RSS (max sampled every 0.5 s - RSS before)
#        ranges     $RANGE_PARTS concurrent Range requests covering the big file, twice
#                   -> reassembled identical?, wall time of each pass
#        idle       $IDLE_CONNS idle keep-alive connections (one request each, then held)
#                   -> (RSS with them - RSS before) / open connections = memory per connection
#        compression (not in the default list) wrk -t2 -c$COMPRESS_CONNS on a generated 100 KB script and an 8 KB
#                   stylesheet under /compress/, once with 'Accept-Encoding: br, gzip' and once without
#                   -> requests/s both ways, bytes and coding of one response; nginx: gzip on (level 1) for
#                   /compress/, Kestrel: ResponseCompression (br and gzip, Fastest) for /compress/
#        websocket  (not in the default list: SCENARIOS=websocket) $WS_CONNS idle WebSockets on /ws/echo (ActorHttp's
#                   built-in, Kestrel's WebSocket middleware; nginx: n/a) -> memory per socket as for idle; then, on
#                   ActorHttp alone, the chat room /ws/chat with $WS_BROADCAST_CONNS sockets, one of them sending
#                   $WS_MESSAGES messages every $WS_INTERVAL_MS ms -> p50/p99 latency from send to every receive
#        hostile    on a server restarted with `ulimit -n $HOSTILE_NOFILE`: a well-behaved client
#                   (wrk -t1 -c$HOSTILE_GOOD_CONNS /hello.html) for $HOSTILE_SECONDS s alone, then again while
#                   bench/Hostile runs slow senders, slowloris heads, non-readers, oversized lengths and a
#                   descriptor flood of $HOSTILE_FLOOD sockets (see bench/README.md)
#                   -> the good client's requests/s and p50/p99 both times, fresh-connection probes, server RSS
#                   before/peak and descriptors, whether it survived, how many hostile connections it cut and when
#        https      on each server's HTTPS port (same self-signed certificate, made with openssl at start; nginx
#                   `listen ssl`, Kestrel UseHttps with HTTP/1.1 only, ActorHttp actorhttp.tls):
#                   wrk -t2 -c$HTTPS_CONNS keep-alive and wrk -t2 -c$CLOSE_CONNS 'Connection: close' on /hello.html
#                   (a full handshake per request), then the big file over HTTPS (curl --cacert, sha256 compared)
#                   -> requests/s, p50/p99 latency; MiB/s and whether the download was byte-identical
#        cluster    ActorHttp only: deploy/loopback-cluster.sh with $CLUSTER_NODES nodes in turn behind HAProxy;
#                   wrk -t2 -c$CLUSTER_CONNS GET, then POST, /counter/{id} over $CLUSTER_ENTITIES sharded counters
#                   -> requests/s, p50/p99 per node count; with 3 nodes first the cross-node hop: one connection
#                   to node 1, GET /counter/{id} of entities it hosts against entities another node hosts -> p50/p99
#      Memory scenarios restart the server first, so its peak RSS (VmHWM, summed over nginx's workers) is its own.
#   4. writes bench/results/latest.md (medians, ratios ActorHttp/peer, machine), bench/results/latest.csv and
#      bench/results/rps-vs-connections.png; raw outputs go to bench/results/raw/<timestamp>/ (gitignored).
#
# Settings (environment variables; defaults in brackets, QUICK=1 values after the slash):
#   REPEAT [3/1]  DURATION [10s/3s]  WARMUP [2s/1s]  CONNS ["16 64 256"]  CLOSE_CONNS [64]
#   SLEEP_CONNS [10000/2000]  SLEEP_DELAY_S [5/1]  IDLE_CONNS [10000/2000]  BIG_FILE_MB [1024/256]
#   SLOW_CLIENTS [4]  SLOW_RATE [2M]  SLOW_SECONDS [15/8]  RANGE_PARTS [8]  COMPRESS_CONNS [64]
#   WS_CONNS [10000/2000]  WS_BROADCAST_CONNS [1000]  WS_MESSAGES [100]  WS_INTERVAL_MS [100]
#   HOSTILE_SECONDS [15/10] — length of each good-client run (alone, then under attack) and of the attack
#   HOSTILE_NOFILE [1024]   — descriptor limit (soft and hard) of the server in the hostile scenario; nginx gets it
#                             as worker_rlimit_nofile and worker_connections (per worker); 0 = the script's own limit
#   HOSTILE_FLOOD [2 x HOSTILE_NOFILE, 3000 when HOSTILE_NOFILE=0] — descriptor-flood sockets
#   HOSTILE_SLOW_SENDERS [50]  HOSTILE_SLOWLORIS [50]  HOSTILE_NON_READERS [20]  HOSTILE_OVERSIZED [4] (workers)
#   HOSTILE_TRICKLE_S [2]   — seconds between two bytes of a slow sender or slowloris head
#   HOSTILE_GOOD_CONNS [8]  — connections of the well-behaved client
#   HTTPS_CONNS [64]        — keep-alive connections of the https scenario; HTTPS ports are PORT_BASE +3, +4, +5
#   CLUSTER_NODES ["1 3"]  CLUSTER_CONNS [64]  CLUSTER_ENTITIES [1000] — the cluster scenario's node counts, wrk
#                           connections and counters; CLUSTER_HOP_PROBES [9] — entities probed for the hop, each
#                           waiting up to CLUSTER_HOP_WAIT_S [6] for node 1's entity count;
#                           CLUSTER_ENTITY_METRIC [actorhttp_cluster_entities] — node 1's entity count in /metrics
#   SERVERS ["actorhttp kestrel nginx"]  SCENARIOS ["keepalive close sleep bigfile slowreaders ranges idle hostile https"]
#                 (add "compression" to run it; alone, SCENARIOS=compression reports to results/compression-latest.*)
#                 (the cluster scenario runs only when named: SCENARIOS=cluster)
#   AH_PROJECT [<repo>/src/ActorHttp]  — ActorHttp project to build (any checkout of it)
#   AH_BIN []     — a directory that already holds a built ActorHttp (skips the ActorHttp build)
#   AH_ARGS ["--set actorhttp.access-log=off"] — extra ActorHttp arguments (default matches nginx's
#                 access_log off and the Kestrel peer's disabled logging); e.g. add "--config FILE" for a profile
#   BUILD_DIR [/tmp/actorhttp-bench]  PORT_BASE [18080] (ActorHttp +0, Kestrel +1, nginx +2, cluster +9..+22)
#   NO_REPORT [0] — 1 = only collect raw results
#   NICE [0]      — niceness for the servers and load clients (e.g. -10 when other work shares the machine;
#                   the 1-minute load average before every measurement is recorded and shown in the report)
# A server that fails to build or to start is reported as "not run" and the others still run.
# All traffic goes to 127.0.0.1 only; every load step is bounded in time.
# The whole script is one { ... } block, so bash parses it completely before running it: editing this
# file while a run is going cannot change the running one.
{
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
QUICK=${QUICK:-0}
if [[ "$QUICK" == 1 ]]; then
  : "${REPEAT:=1}" "${DURATION:=3s}" "${WARMUP:=1s}" "${SLEEP_CONNS:=2000}" "${SLEEP_DELAY_S:=1}"
  : "${IDLE_CONNS:=2000}" "${BIG_FILE_MB:=256}" "${SLOW_SECONDS:=8}" "${HOSTILE_SECONDS:=10}"
else
  : "${REPEAT:=3}" "${DURATION:=10s}" "${WARMUP:=2s}" "${SLEEP_CONNS:=10000}" "${SLEEP_DELAY_S:=5}"
  : "${IDLE_CONNS:=10000}" "${BIG_FILE_MB:=1024}" "${SLOW_SECONDS:=15}" "${HOSTILE_SECONDS:=15}"
fi
: "${SLOW_CLIENTS:=4}" "${SLOW_RATE:=2M}" "${RANGE_PARTS:=8}" "${COMPRESS_CONNS:=64}"
: "${CONNS:=16 64 256}" "${CLOSE_CONNS:=64}"
: "${SERVERS:=actorhttp kestrel nginx}" "${SCENARIOS:=keepalive close sleep bigfile slowreaders ranges idle hostile https}"
: "${HOSTILE_NOFILE:=1024}" "${HOSTILE_SLOW_SENDERS:=50}" "${HOSTILE_SLOWLORIS:=50}" "${HOSTILE_NON_READERS:=20}"
: "${HOSTILE_OVERSIZED:=4}" "${HOSTILE_TRICKLE_S:=2}" "${HOSTILE_GOOD_CONNS:=8}" "${HTTPS_CONNS:=64}"
: "${CLUSTER_NODES:=1 3}" "${CLUSTER_CONNS:=64}" "${CLUSTER_ENTITIES:=1000}" "${CLUSTER_HOP_PROBES:=9}" "${CLUSTER_HOP_WAIT_S:=6}"
: "${CLUSTER_ENTITY_METRIC:=actorhttp_cluster_entities}"
if [[ "$HOSTILE_NOFILE" == 0 ]]; then : "${HOSTILE_FLOOD:=3000}"; else : "${HOSTILE_FLOOD:=$((HOSTILE_NOFILE * 2))}"; fi
: "${WS_CONNS:=$([[ "$QUICK" == 1 ]] && echo 2000 || echo 10000)}" "${WS_BROADCAST_CONNS:=1000}" "${WS_MESSAGES:=100}" "${WS_INTERVAL_MS:=100}"
: "${AH_PROJECT:=$REPO/src/ActorHttp}" "${AH_BIN:=}" "${BUILD_DIR:=/tmp/actorhttp-bench}" "${PORT_BASE:=18080}"
: "${NO_REPORT:=0}" "${NICE:=0}" "${AH_ARGS=--set actorhttp.access-log=off}"
HOST=127.0.0.1
RUN=()                                                  # prefix for servers and load clients
[[ "$NICE" != 0 ]] && RUN=(nice -n "$NICE")

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$BENCH_DIR/results"
RAW="$RESULTS/raw/$STAMP"
mkdir -p "$RAW" "$BUILD_DIR"
CSV="$RAW/results.csv"
META="$RAW/meta.txt"
echo "scenario,server,conns,repeat,metric,value" > "$CSV"
TMP=$(mktemp -d /tmp/actorhttp-bench-run.XXXXXX)
chmod 755 "$TMP"
WWW="$TMP/www"
# The ranges scenario's pieces go to memory (tmpfs) when it can, so no disk write-back lands in a measurement.
PIECES=$TMP; [[ -d /dev/shm && -w /dev/shm ]] && PIECES=$(mktemp -d /dev/shm/actorhttp-bench.XXXXXX)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RAW/run.log" >&2; }
rec() { echo "$1,$2,$3,$4,$5,$6" >> "$CSV"; }          # scenario server conns repeat metric value
load1() { rec "$1" "$2" "$3" "$4" load1 "$(cut -d' ' -f1 /proc/loadavg)"; }   # before each measurement
meta() { echo "$1=$2" >> "$META"; }

# Raise the descriptor limit as far as allowed (10,000 sockets need > 10,000 descriptors per process).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < 12000 )); then log "warning: ulimit -n is $(ulimit -n); 10,000-socket scenarios may fail"; fi

declare -A PORT=([actorhttp]=$PORT_BASE [kestrel]=$((PORT_BASE + 1)) [nginx]=$((PORT_BASE + 2)))
declare -A TLS_PORT=([actorhttp]=$((PORT_BASE + 3)) [kestrel]=$((PORT_BASE + 4)) [nginx]=$((PORT_BASE + 5)))
HTTPS=0; [[ " $SCENARIOS " == *" https "* ]] && HTTPS=1
declare -A SPID=()       # server name -> pid we started
declare -A AVAIL=()      # server name -> 1 when runnable
declare -A NOTE=()       # server name -> why it did not run
CLIENT_PID=""            # load clients running in the background (space-separated pids)
SERVER_NOFILE=""         # descriptor limit for the next server start; empty = the script's own

cleanup() {
  set +e
  for p in $CLIENT_PID; do kill "$p" 2>/dev/null; done
  for s in "${!SPID[@]}"; do stop_server "$s"; done
  rm -rf "$TMP" "$PIECES"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools and builds
need_apt=()
command -v nginx >/dev/null || need_apt+=(nginx)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v curl >/dev/null || need_apt+=(curl)
command -v ss >/dev/null || need_apt+=(iproute2)
command -v pgrep >/dev/null || need_apt+=(procps)
command -v prlimit >/dev/null || need_apt+=(util-linux)
[[ " $SCENARIOS " != *" cluster "* ]] || command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || need_apt+=(haproxy)
if (( ${#need_apt[@]} )); then
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq >>"$RAW/apt.log" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >>"$RAW/apt.log" 2>&1
fi

build() {   # name project outdir
  log "build $1"
  if dotnet build "$2" -c Release -o "$3" -nologo -v q >"$RAW/build-$1.log" 2>&1; then return 0; fi
  log "build of $1 failed (see $RAW/build-$1.log)"; return 1
}
build kestrel "$BENCH_DIR/Kestrel/Kestrel.csproj" "$BUILD_DIR/kestrel" || exit 1
build sleepload "$BENCH_DIR/SleepLoad/SleepLoad.csproj" "$BUILD_DIR/sleepload" || exit 1
[[ " $SCENARIOS " != *" websocket "* ]] || build wsload "$BENCH_DIR/WsLoad/WsLoad.csproj" "$BUILD_DIR/wsload" || exit 1
[[ " $SCENARIOS " != *" hostile "* ]] || build hostile "$BENCH_DIR/Hostile/Hostile.csproj" "$BUILD_DIR/hostile" || exit 1
[[ "$NO_REPORT" == 1 ]] || build report "$BENCH_DIR/Report/Report.csproj" "$BUILD_DIR/report" || exit 1
LOADER="$BUILD_DIR/sleepload/SleepLoad"
WSLOAD="$BUILD_DIR/wsload/WsLoad"
HOSTILE="$BUILD_DIR/hostile/Hostile"

for s in $SERVERS; do AVAIL[$s]=1; done
if [[ -n "${AVAIL[actorhttp]:-}" ]]; then
  if [[ -n "$AH_BIN" ]]; then AH_DIR="$AH_BIN"
  else
    AH_DIR="$BUILD_DIR/actorhttp"
    rm -rf "$AH_DIR"
    build actorhttp "$AH_PROJECT" "$AH_DIR" || { unset 'AVAIL[actorhttp]'; NOTE[actorhttp]="build failed"; }
  fi
fi

# ---------------------------------------------------------------- content
log "www copy + ${BIG_FILE_MB} MiB big file in $WWW"
cp -r "$REPO/www" "$WWW"
# Random bytes, not zeros: the ranges scenario checks that the pieces reassemble in the right order.
head -c "$((BIG_FILE_MB * 1048576))" /dev/urandom >"$WWW/big.bin"
# The compression scenario's files: text as a bundler leaves it (identifiers, numbers, repeated idioms), so it
# compresses about as well as a real script or stylesheet does.
mkdir -p "$WWW/compress"
python3 - "$WWW/compress" <<'PY'
import random, sys
rnd = random.Random(16)
words = ["render", "state", "props", "item", "value", "event", "handler", "request", "response", "cache",
         "layout", "button", "header", "footer", "list", "index", "count", "total", "user", "session"]
def script(size):
    out, i = [], 0
    while sum(map(len, out)) < size:
        a, b, c = rnd.sample(words, 3)
        out.append(f"export function {a}{b.title()}{i}({c}, options = {{}}) {{\n"
                   f"  const {a}{i} = {c}.{b}.map(({words[i % 20]}) => {words[i % 20]}.{a} * {rnd.randint(1, 999)});\n"
                   f"  if (!options.{b}) return {a}{i}.filter(Boolean).length > {rnd.randint(0, 99)};\n"
                   f"  return {{ ...options, {c}: {a}{i}, id: '{rnd.getrandbits(32):08x}' }};\n}}\n")
        i += 1
    return "".join(out)[:size]
def stylesheet(size):
    out = []
    while sum(map(len, out)) < size:
        a, b = rnd.sample(words, 2)
        out.append(f".{a}-{b} {{ margin: {rnd.randint(0, 32)}px {rnd.randint(0, 32)}px; color: #{rnd.getrandbits(24):06x}; "
                   f"display: {rnd.choice(['flex', 'block', 'grid'])}; }}\n")
    return "".join(out)[:size]
open(sys.argv[1] + "/app.js", "w").write(script(100 * 1024))
open(sys.argv[1] + "/style.css", "w").write(stylesheet(8 * 1024))
PY
chmod -R a+rX "$WWW"
BIG_BYTES=$(stat -c %s "$WWW/big.bin")
BIG_SHA=$(sha256sum "$WWW/big.bin" | cut -c1-64)

# ---------------------------------------------------------------- HTTPS certificate
# One self-signed certificate for all three servers (P-256, as a test certificate would be), so every server does
# the same handshake work; curl trusts it with --cacert, wrk verifies nothing.
CERT="$TMP/tls/cert.pem"; KEY="$TMP/tls/key.pem"
if (( HTTPS )); then
  mkdir -p "$TMP/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$KEY" -out "$CERT" >"$RAW/openssl.log" 2>&1
  chmod a+r "$KEY" "$CERT"
fi

# ---------------------------------------------------------------- nginx config
mkdir -p "$TMP/nginx-temp"
nginx_conf() {   # descriptor limit per worker, connections per worker -> path of a config using them
  local conf="$TMP/nginx-$1.conf"
  [[ -f "$conf" ]] || cat >"$conf" <<EOF
worker_processes auto;
worker_rlimit_nofile $1;
pid $TMP/nginx.pid;
error_log $RAW/nginx-error.log warn;
events { worker_connections $2; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path $TMP/nginx-temp/body;
  proxy_temp_path $TMP/nginx-temp/proxy;
  fastcgi_temp_path $TMP/nginx-temp/fastcgi;
  uwsgi_temp_path $TMP/nginx-temp/uwsgi;
  scgi_temp_path $TMP/nginx-temp/scgi;
  server {
    listen $HOST:${PORT[nginx]};
    root $WWW;
    location = / { try_files /hello.html =404; }
    # The compression scenario's files only (nginx's defaults otherwise): gzip_comp_level stays at its default, 1.
    location /compress/ { gzip on; gzip_types text/css application/javascript text/javascript; gzip_vary on; }
    error_page 404 /404.html;
  }
$( (( HTTPS )) && cat <<TLS
  server {
    listen $HOST:${TLS_PORT[nginx]} ssl;
    ssl_certificate $CERT;
    ssl_certificate_key $KEY;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $WWW;
    location = / { try_files /hello.html =404; }
    error_page 404 /404.html;
  }
TLS
)
}
EOF
  echo "$conf"
}
NGINX_CONF=$(nginx_conf "$(ulimit -n)" 16384)

# ---------------------------------------------------------------- server lifecycle
start_server() {   # name
  local s=$1 port=${PORT[$1]} out="$RAW/server-$1.log"
  [[ -z "${AVAIL[$s]:-}" ]] && return 1
  if ss -Htln "( sport = :$port )" | grep -q .; then
    log "port $port for $s is already in use"; unset "AVAIL[$s]"; NOTE[$s]="port $port busy"; return 1
  fi
  echo "---- start $(date -u +%T)${SERVER_NOFILE:+ with ulimit -n $SERVER_NOFILE}" >>"$out"
  local cmd=()
  case $s in
    actorhttp)
      cmd=("$AH_DIR/ActorHttp")
      [[ -x "${cmd[0]}" ]] || cmd=(dotnet "$AH_DIR/ActorHttp.dll")
      cmd+=(--port "$port" --root "$WWW" --set "actorhttp.sleep-delay=${SLEEP_DELAY_S}s" $AH_ARGS)
      (( HTTPS )) && cmd+=(--set "actorhttp.tls.port=${TLS_PORT[actorhttp]}" --set "actorhttp.tls.certificate=\"$CERT\"" \
        --set "actorhttp.tls.key=\"$KEY\"")
      ;;
    kestrel)
      cmd=("$BUILD_DIR/kestrel/KestrelPeer" --urls "http://$HOST:$port" --root "$WWW" --sleep-ms "$((SLEEP_DELAY_S * 1000))")
      (( HTTPS )) && cmd+=(--https-port "${TLS_PORT[kestrel]}" --cert "$CERT" --key "$KEY")
      ;;
    nginx)
      # nginx's workers set their own limit (worker_rlimit_nofile), so a lowered limit needs its own config.
      cmd=(nginx -c "$NGINX_CONF" -g 'daemon off;')
      [[ -n "$SERVER_NOFILE" ]] && cmd=(nginx -c "$(nginx_conf "$SERVER_NOFILE" "$SERVER_NOFILE")" -g 'daemon off;')
      ;;
  esac
  # prlimit sets the limit and execs the server, so the pid stays the server's. Soft and hard both: the
  # .NET runtime raises its soft limit to the hard one at startup.
  [[ -n "$SERVER_NOFILE" ]] && cmd=(prlimit "--nofile=$SERVER_NOFILE:$SERVER_NOFILE" -- "${cmd[@]}")
  "${RUN[@]}" "${cmd[@]}" >>"$out" 2>&1 &
  SPID[$s]=$!
  local i
  for ((i = 0; i < 600; i++)); do      # up to 60 s
    if ! kill -0 "${SPID[$s]}" 2>/dev/null; then
      log "$s exited before listening (see $out)"; unset "SPID[$s]" "AVAIL[$s]"; NOTE[$s]="exited before listening"; return 1
    fi
    if curl -s -o /dev/null --max-time 1 "http://$HOST:$port/hello.html"; then
      if [[ $s == nginx ]] || grep -q '^Listening on http://' "$out"; then return 0; fi
    fi
    sleep 0.1
  done
  log "$s did not answer within 60 s"; stop_server "$s"; unset "AVAIL[$s]"; NOTE[$s]="did not start in 60 s"; return 1
}

stop_server() {
  local s=$1 pid=${SPID[$1]:-}
  [[ -z "$pid" ]] && return 0
  if [[ $s == nginx ]]; then kill -QUIT "$pid" 2>/dev/null || true; else kill -TERM "$pid" 2>/dev/null || true; fi
  local i
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "SPID[$s]"
}

restart_server() { stop_server "$1"; start_server "$1"; }

tree_pids() { local p; echo "$1"; for p in $(pgrep -P "$1" 2>/dev/null); do tree_pids "$p"; done; }
mem_kb() {   # name field(VmRSS|VmHWM) -> summed over the server's process tree (nginx master + workers)
  local p total=0 v
  for p in $(tree_pids "${SPID[$1]}"); do
    v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
reset_hwm() { local p; for p in $(tree_pids "${SPID[$1]}"); do echo 5 >"/proc/$p/clear_refs" 2>/dev/null || true; done; }

up() { [[ -n "${AVAIL[$1]:-}" && -n "${SPID[$1]:-}" ]] || start_server "$1"; }

# ---------------------------------------------------------------- wrk helpers
to_ms() {   # wrk duration like 812.00us / 1.23ms / 2.01s -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
rec_wrk() {   # scenario server conns repeat wrk-output metric-prefix -> rows rps, p50_ms, p99_ms, errors; prints a summary
  local f=$5 m=$6 rps p50 p99 non2xx errs
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$f")
  p50=$(awk '$1 == "50%" { print $2 }' "$f"); p99=$(awk '$1 == "99%" { print $2 }' "$f")
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' "$f")
  errs=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$f")
  rec "$1" "$2" "$3" "$4" "${m}rps" "${rps:-0}"
  [[ -n "$p50" ]] && rec "$1" "$2" "$3" "$4" "${m}p50_ms" "$(to_ms "$p50")"
  [[ -n "$p99" ]] && rec "$1" "$2" "$3" "$4" "${m}p99_ms" "$(to_ms "$p99")"
  rec "$1" "$2" "$3" "$4" "${m}errors" "$(( ${non2xx:-0} + ${errs:-0} ))"
  echo "${rps:-?} req/s, p99 ${p99:-?}, non-2xx ${non2xx:-0}, socket errors ${errs:-0}"
}
run_wrk() {   # scenario server conns repeat file -- extra wrk args
  local sc=$1 s=$2 c=$3 r=$4 f=$5; shift 5
  load1 "$sc" "$s" "$c" "$r"
  timeout 300 "${RUN[@]}" wrk -t2 -c"$c" -d"$DURATION" --latency "$@" "http://$HOST:${PORT[$s]}/hello.html" >"$f" 2>&1 || true
  log "  $sc $s c=$c: $(rec_wrk "$sc" "$s" "$c" "$r" "$f" "")"
}
warm() { timeout 60 wrk -t2 -c64 -d"$WARMUP" "http://$HOST:${PORT[$1]}/hello.html" >/dev/null 2>&1 || true; }

# ---------------------------------------------------------------- scenarios
sc_keepalive() {   # server repeat
  local c; up "$1" || return 0; warm "$1"
  for c in $CONNS; do run_wrk keepalive "$1" "$c" "$2" "$RAW/keepalive-$1-c$c-r$2.txt"; done
}

sc_close() {
  up "$1" || return 0; warm "$1"
  run_wrk close "$1" "$CLOSE_CONNS" "$2" "$RAW/close-$1-c$CLOSE_CONNS-r$2.txt" -H 'Connection: close'
}

sc_sleep() {
  local s=$1 r=$2 f="$RAW/sleep-$1-r$2.json"
  if [[ $s == nginx ]]; then return 0; fi          # nginx has no /sleep: n/a in the report
  restart_server "$s" || return 0
  curl -s -o /dev/null --max-time $((SLEEP_DELAY_S + 10)) "http://$HOST:${PORT[$s]}/sleep" || true   # JIT the path
  reset_hwm "$s"
  load1 sleep "$s" "$SLEEP_CONNS" "$r"
  "${RUN[@]}" "$LOADER" sleep --port "${PORT[$s]}" --conns "$SLEEP_CONNS" --path /sleep --timeout $((SLEEP_DELAY_S + 120)) >"$f" 2>"$f.err" || true
  local ok wall
  ok=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ok"])' "$f" 2>/dev/null || echo 0)
  wall=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_s"])' "$f" 2>/dev/null || echo 0)
  rec sleep "$s" "$SLEEP_CONNS" "$r" ok "$ok"
  rec sleep "$s" "$SLEEP_CONNS" "$r" wall_s "$wall"
  rec sleep "$s" "$SLEEP_CONNS" "$r" connect_s "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["connect_s"])' "$f" 2>/dev/null || echo -1)"
  rec sleep "$s" "$SLEEP_CONNS" "$r" peak_rss_kb "$(mem_kb "$s" VmHWM)"
  log "  sleep $s: $ok/$SLEEP_CONNS answered in ${wall}s, peak RSS $(( $(mem_kb "$s" VmHWM) / 1024 )) MiB"
}

sc_bigfile() {
  local s=$1 r=$2
  restart_server "$s" || return 0
  curl -s -o /dev/null "http://$HOST:${PORT[$s]}/hello.html" || true
  # The file must come from the page cache for every server alike: this shared machine drops it now and then,
  # and the server that happened to read it first would pay for the disk.
  cat "$WWW/big.bin" >/dev/null
  reset_hwm "$s"
  load1 bigfile "$s" 1 "$r"
  # Two downloads in a row: the first on the fresh server (JIT-compiled runtimes still compile the streaming
  # path), the second on a warm one. Peak RSS covers both.
  local pass out code size speed total complete=1 ok
  for pass in first second; do
    out=$("${RUN[@]}" curl -s -o /dev/null --max-time 300 -w '%{http_code} %{size_download} %{speed_download} %{time_total}' \
          "http://$HOST:${PORT[$s]}/big.bin" || true)
    echo "$pass $out" >>"$RAW/bigfile-$s-r$r.txt"
    read -r code size speed total <<<"${out:-0 0 0 0}"
    ok=0; [[ "$code" == 200 && "$size" == "$BIG_BYTES" ]] && ok=1
    (( ok )) || complete=0
    rec bigfile "$s" 1 "$r" "$([[ $pass == first ]] && echo mib_s || echo mib_s_warm)" \
      "$(awk -v b="$speed" -v ok="$ok" 'BEGIN { printf "%.1f", ok ? b / 1048576 : 0 }')"
    log "  bigfile $s ($pass download): HTTP $code, $size bytes in ${total}s"
  done
  rec bigfile "$s" 1 "$r" complete "$complete"
  rec bigfile "$s" 1 "$r" peak_rss_kb "$(mem_kb "$s" VmHWM)"
  log "  bigfile $s: peak RSS $(( $(mem_kb "$s" VmHWM) / 1024 )) MiB"
}

sc_slowreaders() {   # SLOW_CLIENTS clients reading the big file at SLOW_RATE for SLOW_SECONDS: growth of the server's RSS
  local s=$1 r=$2 before max rss i c pids=() f="$RAW/slowreaders-$1-r$2.txt"
  restart_server "$s" || return 0
  # One partial download first, so the streaming path is compiled and its pools are warm before "before".
  curl -s -o /dev/null -r 0-104857599 "http://$HOST:${PORT[$s]}/big.bin" || true
  sleep 1
  before=$(mem_kb "$s" VmRSS); max=$before
  load1 slowreaders "$s" "$SLOW_CLIENTS" "$r"
  for ((c = 0; c < SLOW_CLIENTS; c++)); do
    "${RUN[@]}" curl -s -o /dev/null --limit-rate "$SLOW_RATE" --max-time "$SLOW_SECONDS" -w '%{http_code} %{size_download}\n' \
      "http://$HOST:${PORT[$s]}/big.bin" >>"$f" 2>&1 &
    pids+=($!)
  done
  for ((i = 0; i < SLOW_SECONDS * 2; i++)); do
    sleep 0.5
    rss=$(mem_kb "$s" VmRSS); (( rss > max )) && max=$rss
  done
  wait "${pids[@]}" 2>/dev/null || true
  rec slowreaders "$s" "$SLOW_CLIENTS" "$r" rss_before_kb "$before"
  rec slowreaders "$s" "$SLOW_CLIENTS" "$r" growth_kb "$((max - before))"
  log "  slowreaders $s: RSS $((before / 1024)) MiB before, +$(((max - before) / 1024)) MiB at most; $(tr '\n' ' ' <"$f")"
}

sc_ranges() {   # RANGE_PARTS concurrent Range requests covering the big file, reassembled and compared with it
  local s=$1 r=$2 pass part from to pids t0 wall same dir="$PIECES/ranges-$1"
  up "$s" || return 0
  cat "$WWW/big.bin" >/dev/null
  # Two passes, both recorded; the second is the figure compared. The first server to write a file's worth of
  # pieces in a run was slowed by the kernel finding memory for them (1.6-2.2 s against 0.8 s), whichever it was.
  for pass in warm measured; do
    rm -rf "$dir"; mkdir -p "$dir"; pids=()
    [[ $pass == measured ]] && load1 ranges "$s" "$RANGE_PARTS" "$r"
    t0=$(date +%s.%N)
    for ((part = 0; part < RANGE_PARTS; part++)); do
      from=$((BIG_BYTES * part / RANGE_PARTS)); to=$((BIG_BYTES * (part + 1) / RANGE_PARTS - 1))
      "${RUN[@]}" curl -s --max-time 300 -r "$from-$to" -o "$dir/$part" "http://$HOST:${PORT[$s]}/big.bin" &
      pids+=($!)
    done
    wait "${pids[@]}" 2>/dev/null || true
    wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
    [[ $pass == warm ]] && rec ranges "$s" "$RANGE_PARTS" "$r" wall_s_first "$wall"
  done
  same=0
  [[ "$(for ((part = 0; part < RANGE_PARTS; part++)); do cat "$dir/$part"; done | sha256sum | cut -c1-64)" == "$BIG_SHA" ]] && same=1
  rm -rf "$dir"
  rec ranges "$s" "$RANGE_PARTS" "$r" complete "$same"
  rec ranges "$s" "$RANGE_PARTS" "$r" wall_s "$wall"
  log "  ranges $s: $RANGE_PARTS parts in ${wall} s, $( ((same)) && echo "identical to the file" || echo "DIFFERENT from the file")"
}

# Memory per held connection: on a restarted, warmed server, runs a client (the arguments after the first five) that
# prints READY once its sockets are open and holds them; records (RSS with them - RSS before) / connections established.
measure_held() {   # scenario server repeat conns raw-file client...
  local sc=$1 s=$2 r=$3 n=$4 f=$5 before after open i
  shift 5
  restart_server "$s" || return 1
  timeout 30 wrk -t1 -c8 -d1s "http://$HOST:${PORT[$s]}/hello.html" >/dev/null 2>&1 || true
  sleep 1
  before=$(mem_kb "$s" VmRSS)
  load1 "$sc" "$s" "$n" "$r"
  "${RUN[@]}" "$@" >"$f" 2>&1 &
  CLIENT_PID=$!
  for ((i = 0; i < 1200; i++)); do grep -qs "^READY" "$f" && break; kill -0 "$CLIENT_PID" 2>/dev/null || break; sleep 0.1; done
  sleep 2
  after=$(mem_kb "$s" VmRSS)
  open=$(ss -Htn state established "( sport = :${PORT[$s]} )" | wc -l)
  kill -TERM "$CLIENT_PID" 2>/dev/null || true; wait "$CLIENT_PID" 2>/dev/null || true; CLIENT_PID=""
  rec "$sc" "$s" "$n" "$r" open "$open"
  rec "$sc" "$s" "$n" "$r" rss_before_kb "$before"
  rec "$sc" "$s" "$n" "$r" rss_after_kb "$after"
  if (( open > 0 )); then
    rec "$sc" "$s" "$n" "$r" bytes_per_conn "$(( (after - before) * 1024 / open ))"
  fi
  log "  $sc $s: $open open, RSS $((before / 1024)) -> $((after / 1024)) MiB, $(( open > 0 ? (after - before) * 1024 / open : 0 )) B/conn; $(tr '\n' ' ' <"$f")"
}

sc_idle() {
  measure_held idle "$1" "$2" "$IDLE_CONNS" "$RAW/idle-$1-r$2.txt" "$LOADER" idle --port "${PORT[$1]}" --conns "$IDLE_CONNS" --path /hello.html --hold 180 || true
}

sc_compression() {   # the generated script and stylesheet with and without Accept-Encoding: requests/s, bytes, coding
  local s=$1 r=$2 c=$COMPRESS_CONNS file name way url f size coding hdr
  up "$s" || return 0
  warm "$s"
  for file in app.js style.css; do
    name=${file%%.*}; url="http://$HOST:${PORT[$s]}/compress/$file"
    for way in plain coded; do
      hdr=(); [[ $way == coded ]] && hdr=(-H 'Accept-Encoding: br, gzip')
      f="$RAW/compression-$s-$name-$way-r$r"
      size=$(curl -s -o /dev/null -D "$f-head.txt" "${hdr[@]}" -w '%{size_download}' "$url" || echo 0)
      coding=$(awk -F': *' 'tolower($1) == "content-encoding" { print $2 }' "$f-head.txt" | tr -d '\r')
      rec compression "$s" "$c" "$r" "${name}_${way}_bytes" "$size"
      # The coding as a number for the CSV: 0 none, 1 gzip, 2 br.
      rec compression "$s" "$c" "$r" "${name}_${way}_coding" "$(case $coding in gzip) echo 1 ;; br) echo 2 ;; *) echo 0 ;; esac)"
      timeout 60 wrk -t2 -c"$c" -d"$WARMUP" "${hdr[@]}" "$url" >/dev/null 2>&1 || true
      load1 compression "$s" "$c" "$r"
      timeout 300 "${RUN[@]}" wrk -t2 -c"$c" -d"$DURATION" --latency "${hdr[@]}" "$url" >"$f.txt" 2>&1 || true
      log "  compression $s /compress/$file $way (${coding:-identity}, $size bytes): $(rec_wrk compression "$s" "$c" "$r" "$f.txt" "${name}_${way}_")"
    done
  done
}

sc_https() {   # keep-alive and one request per connection over TLS, then the big file over TLS, byte-compared
  local s=$1 r=$2 url="https://$HOST:${TLS_PORT[$1]}" f out code size speed sha ok
  up "$s" || return 0
  timeout 60 wrk -t2 -c"$HTTPS_CONNS" -d"$WARMUP" "$url/hello.html" >/dev/null 2>&1 || true
  f="$RAW/https-ka-$s-r$r.txt"; load1 https "$s" "$HTTPS_CONNS" "$r"
  timeout 300 "${RUN[@]}" wrk -t2 -c"$HTTPS_CONNS" -d"$DURATION" --latency "$url/hello.html" >"$f" 2>&1 || true
  log "  https keep-alive $s c=$HTTPS_CONNS: $(rec_wrk https "$s" "$HTTPS_CONNS" "$r" "$f" ka_)"
  f="$RAW/https-close-$s-r$r.txt"; load1 https "$s" "$CLOSE_CONNS" "$r"
  timeout 300 "${RUN[@]}" wrk -t2 -c"$CLOSE_CONNS" -d"$DURATION" --latency -H 'Connection: close' "$url/hello.html" >"$f" 2>&1 || true
  log "  https close $s c=$CLOSE_CONNS: $(rec_wrk https "$s" "$CLOSE_CONNS" "$r" "$f" close_)"
  cat "$WWW/big.bin" >/dev/null
  load1 https "$s" 1 "$r"
  # The body goes to sha256sum, the figures to stderr (%{stderr}), so the download is compared without a copy on disk.
  sha=$("${RUN[@]}" curl -s --max-time 600 --cacert "$CERT" -w '%{stderr}%{http_code} %{size_download} %{speed_download}' \
        "https://localhost:${TLS_PORT[$s]}/big.bin" 2>"$RAW/https-big-$s-r$r.txt" | sha256sum | cut -c1-64)
  out=$(cat "$RAW/https-big-$s-r$r.txt")
  read -r code size speed <<<"${out:-0 0 0}"
  ok=0; [[ "$code" == 200 && "$size" == "$BIG_BYTES" && "$sha" == "$BIG_SHA" ]] && ok=1
  rec https "$s" 1 "$r" big_complete "$ok"
  rec https "$s" 1 "$r" big_mib_s "$(awk -v b="$speed" -v ok="$ok" 'BEGIN { printf "%.1f", ok ? b / 1048576 : 0 }')"
  log "  https big file $s: HTTP $code, $size bytes at $(awk -v b="$speed" 'BEGIN { printf "%.0f", b / 1048576 }') MiB/s, $( ((ok)) && echo "sha256 identical" || echo "NOT identical")"
}

sc_websocket() {
  local s=$1 r=$2 b="$RAW/broadcast-$1-r$2.txt" json i
  [[ $s == nginx ]] && return 0   # no WebSocket endpoint in the nginx peer
  measure_held websocket "$s" "$r" "$WS_CONNS" "$RAW/websocket-$s-r$r.txt" \
    "$WSLOAD" idle --port "${PORT[$s]}" --conns "$WS_CONNS" --path /ws/echo --hold 180 || return 0
  [[ $s == actorhttp ]] || return 0   # the chat room is ActorHttp's built-in
  restart_server "$s" || return 0
  load1 broadcast "$s" "$WS_BROADCAST_CONNS" "$r"
  timeout 300 "${RUN[@]}" "$WSLOAD" broadcast --port "${PORT[$s]}" --conns "$WS_BROADCAST_CONNS" --path /ws/chat \
    --messages "$WS_MESSAGES" --interval-ms "$WS_INTERVAL_MS" >"$b" 2>&1 || true
  json=$(grep '^{' "$b" | tail -1)
  for i in p50_ms p99_ms received expected; do
    rec broadcast "$s" "$WS_BROADCAST_CONNS" "$r" "$i" "$(sed -n "s/.*\"$i\":\([0-9.]*\).*/\1/p" <<<"$json")"
  done
  log "  broadcast $s: $json"
}

# Alive and not a zombie: a server that died stays a zombie until reaped, and kill -0 still finds it.
alive() { [[ -r "/proc/$1/status" ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
fd_count() { local p n=0; for p in $(tree_pids "${SPID[$1]}"); do n=$((n + $(ls "/proc/$p/fd" 2>/dev/null | wc -l))); done; echo "$n"; }

sc_hostile() {   # the good client alone, then under bench/Hostile's attacks, on a server with HOSTILE_NOFILE descriptors
  local s=$1 r=$2 c=$HOSTILE_GOOD_CONNS f="$RAW/hostile-$1-r$2" url="http://$HOST:${PORT[$1]}/hello.html"
  local pid before max peak rss fds maxfds=0 died="" t0 i code wrk_pid hostile_pid survived=0 answers=0 extra=()
  [[ "$HOSTILE_NOFILE" != 0 ]] && SERVER_NOFILE=$HOSTILE_NOFILE
  restart_server "$s" || { SERVER_NOFILE=""; return 0; }
  SERVER_NOFILE=""
  pid=${SPID[$s]}
  timeout 60 wrk -t1 -c"$c" -d"$WARMUP" "$url" >/dev/null 2>&1 || true
  load1 hostile "$s" "$c" "$r"
  timeout $((HOSTILE_SECONDS + 60)) "${RUN[@]}" wrk -t1 -c"$c" -d"${HOSTILE_SECONDS}s" --latency "$url" >"$f-alone.txt" 2>&1 || true
  log "  hostile $s, good client alone: $(rec_wrk hostile "$s" "$c" "$r" "$f-alone.txt" alone_)"
  sleep 1
  before=$(mem_kb "$s" VmRSS); max=$before
  reset_hwm "$s"
  # The good client first, so its connections are in before the flood takes the descriptors; new
  # connections during the attack are the probes' job.
  timeout $((HOSTILE_SECONDS + 60)) "${RUN[@]}" wrk -t1 -c"$c" -d"${HOSTILE_SECONDS}s" --latency "$url" >"$f-attacked.txt" 2>&1 &
  wrk_pid=$!
  sleep 0.5
  # Only ActorHttp has POST /echo: there half the non-readers send large bodies to be echoed instead.
  [[ $s == actorhttp ]] && extra=(--echo-non-readers)
  timeout $((HOSTILE_SECONDS + 60)) "${RUN[@]}" "$HOSTILE" --port "${PORT[$s]}" --seconds "$HOSTILE_SECONDS" \
    --slow-senders "$HOSTILE_SLOW_SENDERS" --slowloris "$HOSTILE_SLOWLORIS" --non-readers "$HOSTILE_NON_READERS" \
    --oversized "$HOSTILE_OVERSIZED" --flood "$HOSTILE_FLOOD" --trickle "$HOSTILE_TRICKLE_S" --big-path /big.bin \
    "${extra[@]}" >"$f.json" 2>"$f.err" &
  hostile_pid=$!
  CLIENT_PID="$wrk_pid $hostile_pid"
  t0=$(date +%s.%N)
  for ((i = 0; i < (HOSTILE_SECONDS + 60) * 2; i++)); do     # every 0.5 s until the attack ends
    alive "$hostile_pid" || break
    if alive "$pid"; then
      rss=$(mem_kb "$s" VmRSS); (( rss > max )) && max=$rss
      fds=$(fd_count "$s"); (( fds > maxfds )) && maxfds=$fds
    elif [[ -z "$died" ]]; then
      died=$(seconds_since "$t0")
      log "  hostile $s: the server died ${died} s into the attack"
    fi
    sleep 0.5
  done
  wait "$wrk_pid" 2>/dev/null || true; wait "$hostile_pid" 2>/dev/null || true; CLIENT_PID=""
  log "  hostile $s, good client under attack: $(rec_wrk hostile "$s" "$c" "$r" "$f-attacked.txt" "")"
  peak=$max
  if alive "$pid"; then rss=$(mem_kb "$s" VmHWM); (( rss > peak )) && peak=$rss; fi
  # The hostile sockets are closed now: does the server live through that, and answer a newcomer?
  for ((i = 0; i < 20; i++)); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)" == 200 ]] && answers=1
  if alive "$pid"; then
    survived=1
    rec hostile "$s" "$c" "$r" rss_after_kb "$(mem_kb "$s" VmRSS)"
  else
    code=0; wait "$pid" 2>/dev/null || code=$?
    unset "SPID[$s]"
    # Within 0.1 s when it died after the attack (the loop above), else within the 0.5 s sampling.
    [[ -n "$died" ]] || died=$(seconds_since "$t0")
    rec hostile "$s" "$c" "$r" died_s "$died"
    rec hostile "$s" "$c" "$r" exit_code "$code"
    log "  hostile $s: the server exited with status $code; its last words: $(tail -n 2 "$RAW/server-$s.log" | tr -c '[:print:]' ' ' | cut -c1-300)"
  fi
  rec hostile "$s" "$c" "$r" survived "$survived"
  rec hostile "$s" "$c" "$r" answers_after "$answers"
  rec hostile "$s" "$c" "$r" rss_before_kb "$before"
  rec hostile "$s" "$c" "$r" peak_rss_kb "$peak"
  rec hostile "$s" "$c" "$r" growth_kb "$((peak - before))"
  rec hostile "$s" "$c" "$r" peak_fds "$maxfds"
  # The hostile client's JSON, flattened to rows.
  python3 - "$f.json" >"$f.rows" 2>>"$f.err" <<'PY' || log "  hostile $s: no report from the hostile client (see $f.err)"
import json, sys
d = json.load(open(sys.argv[1]))
rows = {"accept_queue_peak": d["accept_queue_peak"]}
for name, a in d["attacks"].items():
    rows[name + "_connected"] = a["connected"]
    rows[name + "_server_established_peak"] = a["server_established_peak"]
    rows[name + "_cut"] = a["cut"]
    if a["cut_s_p50"] is not None:
        rows[name + "_cut_s_p50"] = a["cut_s_p50"]
        rows[name + "_cut_s_max"] = a["cut_s_max"]
    answered = {k: v for k, v in a["first_status"].items() if k != "0"}
    rows[name + "_status"] = int(max(answered, key=answered.get)) if answered else 0
for name, o in d["oversized"].items():
    rows[name + "_attempts"] = o["attempts"]
    rows[name + "_status"] = o["modal_status"]
    rows[name + "_held"] = o["no_answer_held"]
    rows[name + "_closed"] = o["closed_after_answer"] + o["closed_without_answer"]
    if o["answer_ms_max"] is not None:
        rows[name + "_answer_ms_max"] = o["answer_ms_max"]
p = d["probes"]
rows["probe_sent"] = p["sent"]
rows["probe_ok"] = p["ok"]
if p["p99_ms"] is not None:
    rows["probe_p99_ms"] = p["p99_ms"]
for k, v in rows.items():
    print(k, v)
PY
  local metric value
  while read -r metric value; do rec hostile "$s" "$c" "$r" "$metric" "$value"; done <"$f.rows"
  log "  hostile $s: $( ((survived)) && echo "survived" || echo "DIED after ${died} s"), RSS $((before / 1024)) -> peak $((peak / 1024)) MiB, $maxfds descriptors at most; $(awk '/_cut |probe_ok|probe_sent/ { printf "%s=%s ", $1, $2 }' "$f.rows")"
  # The next scenario gets a server with the usual limit.
  stop_server "$s"
}

# ---------------------------------------------------------------- cluster (ActorHttp only)
# deploy/loopback-cluster.sh with CLUSTER_NODES nodes in turn behind HAProxy, on ports of their own
# (LB PORT_BASE+10, nodes' HTTP PORT_BASE+11.., remoting PORT_BASE+20..), their journal and logs under $TMP.
cluster_ctl() {   # nodes subcommand
  env NODES="$1" LB_PORT=$((PORT_BASE + 10)) LB_STATS_PORT=$((PORT_BASE + 9)) HTTP_BASE=$((PORT_BASE + 11)) \
    REMOTE_BASE=$((PORT_BASE + 20)) CLUSTER_DIR="$TMP/cluster-$1" AH_BIN="$AH_DIR" ROOT="$WWW" \
    NODE_ARGS="$AH_ARGS --set actorhttp.metrics.path=\"/metrics\"" START_TIMEOUT=120 \
    timeout 300 "$REPO/deploy/loopback-cluster.sh" "$2" >>"$RAW/cluster-$1.log" 2>&1
}

# The entities node 1 hosts, from its metrics (the sum of the CLUSTER_ENTITY_METRIC samples).
node1_entities() {
  curl -s -m 2 "http://$HOST:$((PORT_BASE + 11))/metrics" \
    | awk -v m="$CLUSTER_ENTITY_METRIC" 'index($1, m) == 1 && ($1 == m || substr($1, length(m) + 1, 1) == "{") { s += $NF } END { print s + 0 }'
}

cluster_wrk() {   # url connections threads output -- extra env for the Lua script
  local url=$1 c=$2 t=$3 f=$4; shift 4
  timeout 300 env "$@" "${RUN[@]}" wrk -t"$t" -c"$c" -d"$DURATION" --latency -s "$BENCH_DIR/cluster/counters.lua" "$url" >"$f" 2>&1 || true
}

cluster_start_entities() {   # server repeat nodes balancer-url: GET every counter once, 32 at a time; entities started per second
  local s=$1 r=$2 n=$3 url=$4 started ended
  started=$(date +%s.%N)
  seq 1 "$CLUSTER_ENTITIES" | timeout 300 xargs -P 32 -I{} curl -s -o /dev/null -m 30 "$url/counter/b{}" || true
  ended=$(date +%s.%N)
  rec cluster "$s" 32 "$r" "n${n}_entity_starts_per_s" "$(awk -v n="$CLUSTER_ENTITIES" -v a="$started" -v b="$ended" 'BEGIN { printf "%.0f", n / (b - a) }')"
  log "  cluster of $n: $CLUSTER_ENTITIES counters started in $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }') s"
}

sc_cluster() {
  local s=$1 r=$2 n lb="http://$HOST:$((PORT_BASE + 10))" node1="http://$HOST:$((PORT_BASE + 11))" c=$CLUSTER_CONNS m i
  [[ $s == actorhttp ]] || return 0
  # The single servers of the other scenarios would take CPU from the nodes.
  for i in "${!SPID[@]}"; do stop_server "$i"; done
  for n in $CLUSTER_NODES; do
    rm -rf "$TMP/cluster-$n"
    if ! cluster_ctl "$n" start; then
      log "  cluster of $n did not start (see $RAW/cluster-$n.log)"; cluster_ctl "$n" stop || true; continue
    fi
    # The hop first, on the fresh cluster: no other entity runs yet, so node 1's entity count only grows.
    if (( n > 1 )); then cluster_hop "$s" "$r" "$node1"; fi
    # Warm-up: every entity started once (each replays its journal as it starts), 32 at a time, timed: how fast a
    # cold cluster brings entities up is a figure of its own; then the paths compiled.
    cluster_start_entities "$s" "$r" "$n" "$lb"
    cluster_wrk "$lb/" 64 2 /dev/null COUNTER_ENTITIES="$CLUSTER_ENTITIES"
    for m in GET POST; do
      load1 cluster "$s" "$c" "$r"
      cluster_wrk "$lb/" "$c" 2 "$RAW/cluster-n$n-$m-r$r.txt" COUNTER_METHOD=$m COUNTER_ENTITIES="$CLUSTER_ENTITIES"
      log "  cluster of $n, $m /counter/{id} through haproxy: $(rec_wrk cluster "$s" "$c" "$r" "$RAW/cluster-n$n-$m-r$r.txt" "n${n}_${m,,}_")"
    done
    cluster_ctl "$n" stop || log "  cluster of $n: stop failed (see $RAW/cluster-$n.log)"
  done
}

# The cost of a cross-node hop: one connection straight to node 1 (no balancer), GET /counter/{id} for ids whose
# entity node 1 hosts, then for ids another node hosts. Which is which: whether node 1's entity count grows after
# the id's first GET. The count is refreshed every few seconds (ClusterMonitor.StatsInterval, 5 s), so each probe
# waits up to CLUSTER_HOP_WAIT_S for it: a few probes take most of a minute.
cluster_hop() {   # server repeat node1-url
  local s=$1 r=$2 url=$3 i j before after
  local ids_local="$RAW/cluster-hop-local-r$r.txt" ids_remote="$RAW/cluster-hop-remote-r$r.txt"
  : >"$ids_local"; : >"$ids_remote"
  for ((i = 1; i <= CLUSTER_HOP_PROBES; i++)); do
    before=$(node1_entities)
    curl -s -o /dev/null -m 10 "$url/counter/hop$r-$i" || true
    after=$before
    for ((j = 0; j < CLUSTER_HOP_WAIT_S * 4 && after <= before; j++)); do sleep 0.25; after=$(node1_entities); done
    if (( after > before )); then echo "hop$r-$i" >>"$ids_local"; else echo "hop$r-$i" >>"$ids_remote"; fi
  done
  log "  cross-node hop: $(wc -l <"$ids_local") of $CLUSTER_HOP_PROBES probe entities on node 1, $(wc -l <"$ids_remote") elsewhere"
  for kind in local remote; do
    local ids="$RAW/cluster-hop-$kind-r$r.txt" f="$RAW/cluster-hop-$kind-r$r-wrk.txt"
    [[ -s "$ids" ]] || { log "  cross-node hop: no $kind entity among the probes"; continue; }
    load1 cluster "$s" 1 "$r"
    cluster_wrk "$url/" 1 1 "$f" COUNTER_IDS="$ids"
    log "  cross-node hop, $kind entities, 1 connection to node 1: $(rec_wrk cluster "$s" 1 "$r" "$f" "hop_${kind}_")"
  done
}

# ---------------------------------------------------------------- machine + run
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta nproc "$(nproc)"
meta cpu "$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
meta memory "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
meta kernel "$(uname -r)"
meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
meta dotnet "$(dotnet --version 2>/dev/null)"
meta nginx "$(nginx -v 2>&1 | sed 's/^nginx version: //')"
meta wrk "$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
ah_commit=$(git -C "$AH_PROJECT" log -1 --format='%h %s' 2>/dev/null | cut -c1-80 || true)
if [[ -n "$ah_commit" && -n "$(git --no-optional-locks -C "$AH_PROJECT" status --porcelain -- . 2>/dev/null)" ]]; then
  ah_commit="$ah_commit (+ uncommitted changes)"
fi
if [[ -n "$AH_BIN" ]]; then
  ah_commit="prebuilt $AH_BIN (built $(date -u -r "$AH_BIN/ActorHttp.dll" '+%H:%M UTC' 2>/dev/null || echo '?')); source now at ${ah_commit:-?}"
fi
meta actorhttp_commit "${ah_commit:-?}"
meta settings "${AH_ARGS:+AH_ARGS='$AH_ARGS' }QUICK=$QUICK REPEAT=$REPEAT DURATION=$DURATION CONNS='$CONNS' CLOSE_CONNS=$CLOSE_CONNS SLEEP_CONNS=$SLEEP_CONNS SLEEP_DELAY_S=$SLEEP_DELAY_S IDLE_CONNS=$IDLE_CONNS BIG_FILE_MB=$BIG_FILE_MB SLOW_CLIENTS=$SLOW_CLIENTS SLOW_RATE=$SLOW_RATE SLOW_SECONDS=$SLOW_SECONDS RANGE_PARTS=$RANGE_PARTS ulimit_n=$(ulimit -n)"
meta websocket_settings "WS_CONNS=$WS_CONNS WS_BROADCAST_CONNS=$WS_BROADCAST_CONNS WS_MESSAGES=$WS_MESSAGES WS_INTERVAL_MS=$WS_INTERVAL_MS"
meta sleep_conns "$SLEEP_CONNS"
meta sleep_delay_s "$SLEEP_DELAY_S"
meta idle_conns "$IDLE_CONNS"
meta big_file_mb "$BIG_FILE_MB"
meta close_conns "$CLOSE_CONNS"
meta slow_clients "$SLOW_CLIENTS"
meta slow_rate "$SLOW_RATE"
meta slow_seconds "$SLOW_SECONDS"
meta range_parts "$RANGE_PARTS"
meta compress_conns "$COMPRESS_CONNS"
meta hostile "seconds=$HOSTILE_SECONDS nofile=$HOSTILE_NOFILE flood=$HOSTILE_FLOOD slow_senders=$HOSTILE_SLOW_SENDERS slowloris=$HOSTILE_SLOWLORIS non_readers=$HOSTILE_NON_READERS oversized=$HOSTILE_OVERSIZED trickle_s=$HOSTILE_TRICKLE_S good_conns=$HOSTILE_GOOD_CONNS"
meta hostile_seconds "$HOSTILE_SECONDS"
meta hostile_nofile "$HOSTILE_NOFILE"
meta hostile_flood "$HOSTILE_FLOOD"
meta hostile_good_conns "$HOSTILE_GOOD_CONNS"
meta hostile_slow_senders "$HOSTILE_SLOW_SENDERS"
meta hostile_slowloris "$HOSTILE_SLOWLORIS"
meta hostile_non_readers "$HOSTILE_NON_READERS"
meta hostile_trickle_s "$HOSTILE_TRICKLE_S"
meta cluster_conns "$CLUSTER_CONNS"
meta cluster_entities "$CLUSTER_ENTITIES"

log "start servers: $SERVERS"
for s in $SERVERS; do start_server "$s" || true; done
# Same content everywhere?
ref=""
for s in $SERVERS; do
  [[ -n "${AVAIL[$s]:-}" ]] || continue
  body=$(curl -s "http://$HOST:${PORT[$s]}/hello.html" | md5sum | cut -c1-32)
  [[ -z "$ref" ]] && ref=$body
  [[ "$body" == "$ref" ]] || log "warning: $s serves a different /hello.html"
done

servers=($SERVERS)
for ((r = 1; r <= REPEAT; r++)); do
  # Rotate the server order each repeat so no server always runs first or last.
  order=("${servers[@]:$(( (r - 1) % ${#servers[@]} ))}" "${servers[@]:0:$(( (r - 1) % ${#servers[@]} ))}")
  for sc in $SCENARIOS; do
    log "repeat $r/$REPEAT: $sc (${order[*]})"
    for s in "${order[@]}"; do
      [[ -n "${AVAIL[$s]:-}" ]] || continue
      "sc_$sc" "$s" "$r"
    done
  done
done

for s in $SERVERS; do
  if [[ -n "${AVAIL[$s]:-}" ]]; then meta "server_$s" "ran"; else meta "server_$s" "not run: ${NOTE[$s]:-unavailable}"; fi
done
for s in "${!SPID[@]}"; do stop_server "$s"; done
meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
meta nice "$NICE"

# A run of the hostile or cluster scenario alone reports under hostile-latest.* or cluster-latest.*, so it never
# replaces the full run's report.
name=latest
[[ "$(echo $SCENARIOS)" == hostile ]] && name=hostile-latest
[[ "$(echo $SCENARIOS)" == compression ]] && name=compression-latest
[[ "$(echo $SCENARIOS)" == websocket ]] && name=websocket-latest
[[ "$(echo $SCENARIOS)" == cluster ]] && name=cluster-latest
cp "$CSV" "$RESULTS/$name.csv"
cp "$META" "$RESULTS/$name-meta.txt"
if [[ $name == websocket-latest ]]; then
  # The report tool knows the HTTP scenarios; the WebSocket figures are a small table of medians of their own.
  {
    echo "| server | scenario | metric | median | runs |"
    echo "|---|---|---|---|---|"
    ws_keys=$(awk -F, 'NR > 1 && $5 != "load1" { print $2 "," $1 "," $5 }' "$CSV" | sort -u)
    for key in $ws_keys; do
      values=$(awk -F, -v k="$key" '$2 "," $1 "," $5 == k { print $6 }' "$CSV" | sort -g)
      n=$(wc -l <<<"$values")
      median=$(awk -v n="$n" '{ v[NR] = $1 } END { print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }' <<<"$values")
      echo "| ${key//,/ | } | $median | $n |"
    done
  } >"$RESULTS/$name.md"
  log "report written to $RESULTS/$name.md (raw: $RAW)"
elif [[ "$NO_REPORT" != 1 ]]; then
  png="$RESULTS/rps-vs-connections.png"
  [[ $name == latest ]] || png="$RAW/rps-vs-connections.png"
  "$BUILD_DIR/report/Report" --csv "$CSV" --meta "$META" --md "$RESULTS/$name.md" --png "$png"
  log "report written to $RESULTS/$name.md (raw: $RAW)"
fi
exit 0
}
