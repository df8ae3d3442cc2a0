#!/usr/bin/env bash
# bench/connect-storm.sh — a connect storm against ActorHttp and the Kestrel peer, alternating, on loopback.
#
# Each round starts one server, warms it (3 storms of 300), then `WsLoad storm` opens CONNS (10,000) TCP
# connections, 128 connecting at a time, each sending one GET /hello.html and reading the response head, all held
# until the last is answered; prints WsLoad's JSON line and the server's CPU seconds (utime + stime from
# /proc/PID/stat) during the storm, then stops the server. CPU seconds are the figure to compare on a shared
# machine: the wall time moves with whatever else runs.
#
#   ROUNDS [3]  CONNS [10000]  PORT_BASE [21000] (below the ephemeral range, so the client's own ports never
#   hold it)  BUILD_DIR [/tmp/actorhttp-storm]  AH_ARGS [""] (e.g. "--set akka.io.tcp.maximum-frame-size=16k")
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
: "${ROUNDS:=3}" "${CONNS:=10000}" "${PORT_BASE:=21000}" "${BUILD_DIR:=/tmp/actorhttp-storm}" "${AH_ARGS:=}"
for p in ActorHttp:src/ActorHttp/ActorHttp.csproj:ah KestrelPeer:bench/Kestrel/Kestrel.csproj:kestrel WsLoad:bench/WsLoad/WsLoad.csproj:wsload; do
  IFS=: read -r _ proj out <<<"$p"
  dotnet build "$ROOT/$proj" -c Release -o "$BUILD_DIR/$out" -nologo -v q >"$BUILD_DIR.$out.log" 2>&1 || { echo "build of $proj failed: $BUILD_DIR.$out.log"; exit 1; }
done
ulimit -n 20000 2>/dev/null || true
port=$PORT_BASE
round() {   # server
  local s=$1 pid c0 c1 out
  port=$((port + 1))
  case $s in
    actorhttp) "$BUILD_DIR/ah/ActorHttp" --port $port --root "$ROOT/www" --set actorhttp.access-log=off $AH_ARGS >"$BUILD_DIR.$s.out" 2>&1 & ;;
    kestrel) "$BUILD_DIR/kestrel/KestrelPeer" --urls "http://127.0.0.1:$port" --root "$ROOT/www" --sleep-ms 1000 >"$BUILD_DIR.$s.out" 2>&1 & ;;
  esac
  pid=$!
  for _ in $(seq 1 300); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/hello.html" && break; sleep 0.1; done
  for _ in 1 2 3; do timeout 60 "$BUILD_DIR/wsload/WsLoad" storm --port $port --conns 300 >/dev/null; done
  c0=$(awk '{print $14 + $15}' /proc/$pid/stat)
  out=$(timeout 120 "$BUILD_DIR/wsload/WsLoad" storm --port $port --conns "$CONNS")
  c1=$(awk '{print $14 + $15}' /proc/$pid/stat)
  echo "$s $out server_cpu_s=$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", (b-a)/hz}')"
  kill "$pid"; wait "$pid" 2>/dev/null
}
for ((r = 0; r < ROUNDS; r++)); do round kestrel; round actorhttp; done
