#!/usr/bin/env bash
# bench/handshake-ab.sh — a quick A/B of the TLS handshake rate: Kestrel and one or more ActorHttp builds, side by side.
#
#   bench/handshake-ab.sh DIR...   # each DIR holds a built ActorHttp (e.g. dotnet build src/ActorHttp -c Release
#                                  # -p:ReadyToRunOnBuild=false -o /tmp/ab/before), compared with the Kestrel peer
#
# Every server serves HTTPS with one self-signed P-256 certificate on loopback; each round runs
# `wrk -t2 -c$CONNS -d$DURATION -H 'Connection: close'` on /hello.html (a full TLS 1.3 handshake per request) against
# every server in turn, the order rotating each round. Per server and round it prints requests/s and the server's CPU
# time per request (utime + stime from /proc/PID/stat over the wrk run), which a shared, noisy machine disturbs less
# than requests/s: compare the figures of one round with each other, never across runs.
#
# Settings: ROUNDS [4]  DURATION [4s]  CONNS [64]  WARMUP [20s] (per server, before the rounds: a build without
# ReadyToRun is still tiering up its hot methods 15 s into a handshake load)  PORT_BASE [48180] (Kestrel's HTTPS port;
# the builds' follow, plain ports +50)  WORK [/tmp/handshake-ab] (certificate, www copy, Kestrel build, logs).
set -u
ROUNDS=${ROUNDS:-4}; DURATION=${DURATION:-4s}; CONNS=${CONNS:-64}; WARMUP=${WARMUP:-20s}; PORT_BASE=${PORT_BASE:-48180}
WORK=${WORK:-/tmp/handshake-ab}; REPO=$(cd "$(dirname "$0")/.." && pwd)
(( $# )) || { echo "usage: $0 ACTORHTTP_BUILD_DIR..." >&2; exit 2; }
mkdir -p "$WORK/tls" "$WORK/www"
cp -r "$REPO/www/." "$WORK/www/"
CERT=$WORK/tls/cert.pem; KEY=$WORK/tls/key.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$KEY" -out "$CERT" >/dev/null 2>&1 || exit 1
dotnet build "$REPO/bench/Kestrel/Kestrel.csproj" -c Release -o "$WORK/kestrel" -nologo -v q >"$WORK/build-kestrel.log" 2>&1 \
  || { echo "Kestrel peer build failed: $WORK/build-kestrel.log" >&2; exit 1; }

declare -A PID PORT; names=(kestrel); port=$PORT_BASE
cleanup() { for n in "${!PID[@]}"; do kill "${PID[$n]}" 2>/dev/null; done; }
trap cleanup EXIT
"$WORK/kestrel/KestrelPeer" --urls "http://127.0.0.1:$((port + 50))" --root "$WORK/www" --https-port "$port" \
  --cert "$CERT" --key "$KEY" >"$WORK/server-kestrel.log" 2>&1 &
PID[kestrel]=$!; PORT[kestrel]=$port
for dir in "$@"; do
  port=$((port + 1)); n=$(basename "$dir"); names+=("$n")
  "$dir/ActorHttp" --port "$((port + 50))" --root "$WORK/www" --set actorhttp.access-log=off --set "actorhttp.tls.port=$port" \
    --set "actorhttp.tls.certificate=\"$CERT\"" --set "actorhttp.tls.key=\"$KEY\"" >"$WORK/server-$n.log" 2>&1 &
  PID[$n]=$!; PORT[$n]=$port
done
for _ in $(seq 1 120); do
  up=1; for n in "${names[@]}"; do curl -sk -m 1 -o /dev/null "https://127.0.0.1:${PORT[$n]}/hello.html" || up=0; done
  (( up )) && break; sleep 0.5
done
(( up )) || { echo "a server did not start (logs in $WORK)" >&2; exit 1; }
for n in "${names[@]}"; do   # warm-up: the JIT's tiering settles before the measured rounds
  timeout 60 wrk -t2 -c"$CONNS" -d"$WARMUP" -H 'Connection: close' "https://127.0.0.1:${PORT[$n]}/hello.html" >/dev/null 2>&1
done
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for r in $(seq 1 "$ROUNDS"); do
  line="round $r (load $(cut -d' ' -f1 /proc/loadavg)):"
  for n in "${names[@]}"; do
    c0=$(cpu "${PID[$n]}")
    out=$(timeout 120 wrk -t2 -c"$CONNS" -d"$DURATION" -H 'Connection: close' "https://127.0.0.1:${PORT[$n]}/hello.html" 2>&1)
    c1=$(cpu "${PID[$n]}")
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out"); count=$(awk '/requests in/ { print $1 }' <<<"$out")
    line+=" $n $rps req/s $(awk -v a="$c0" -v b="$c1" -v q="${count:-0}" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { if (q > 0) printf "%.0f", (b - a) * 1e6 / hz / q; else printf "n/a" }') µs CPU/req;"
  done
  echo "$line"
  names=("${names[@]:1}" "${names[0]}")
done
