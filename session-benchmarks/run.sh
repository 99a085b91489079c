#!/usr/bin/env bash
# Runs the JMH benchmarks, the server-side command counts and the memory measurement, then rewrites the
# generated results in BENCHMARKS.md.
#
#   session-benchmarks/run.sh quick   every backend x {read-only, modifying} x {store, raw}: 1 KiB sessions,
#                                     16 threads, sample mode with -prof gc; 32 JMH forks, each pre-warmed, then
#                                     4 x 1 s warm-up and 3 x 1 s measurement; ~10 min with the build on 2 cores
#   session-benchmarks/run.sh full    every request kind (new session and rotation too) at 1 and 16 threads and
#                                     1 KiB and 32 KiB, 5 x 1 s measurement; 256 forks, about 80 min on 2 cores
#   session-benchmarks/run.sh overhead  the Micrometer binding's cost: Redis read-only and modifying, 1 KiB, 16 threads,
#                                     metrics off vs on (-p metrics=off|on), in SESSIONKIT_BENCH_ROUNDS rounds (default 5)
#                                     of one JMH run each way, the order alternating; prints the BENCHMARKS.md rows
#                                     ("Metrics overhead"), which are copied in by hand; ~6 min on 2 cores
#
# Finds the servers as the tests do (session-testing's TestServers: SESSIONKIT_TEST_*, else the standard local
# ports, else a container where Docker answers; `.ci/run` starts the local ones). Needs the redis-server, redis-cli
# and memcached binaries for the Redis Cluster and the private servers of the command counts. MongoDB without a
# mongod or Docker: the embedded mongo-java-server (labelled as such).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-quick}"
case "$mode" in
  quick|full|overhead) ;;
  *) echo "usage: $0 [quick|full|overhead]" >&2; exit 2 ;;
esac

started=$(date +%s)
./mvnw -B -q -Pbenchmarks -pl session-benchmarks -am package -DskipTests
jar=session-benchmarks/target/benchmarks.jar
out=session-benchmarks/target/results
rm -rf "$out"
mkdir -p "$out"
load() { awk '{print $1 " / " $2 " / " $3}' /proc/loadavg 2>/dev/null || echo n/a; }
load_before=$(load)

# Placement. Unpinned, 16 benchmark threads and the servers fight over the same cores, and the figures swing by 2x
# between runs and even within one (the raw Jedis GET alone went 18 000 -> 43 000/s after 12 s). So the local
# servers (the processes listening on 6379, 11211, 5432, 3306, with their children, and the run's Redis Cluster)
# run on CPUs 1.., and the benchmark JVM moves itself to CPU 0 once a trial's pre-warm is done (the JIT needs more
# than one core to finish in time): like an app server and its session store on separate machines. In-process
# servers (H2, the embedded Mongo) share CPU 0 with the client. Affinities are restored on exit. Without taskset,
# with one CPU or with SESSIONKIT_BENCH_PIN=0 the run is unpinned, and the report says which it was.
client_jvm=()
servers_cpus=""
restore=()
placement="unpinned: client and servers share all CPUs"
cpus=$(nproc 2>/dev/null || echo 1)
if [ "${SESSIONKIT_BENCH_PIN:-1}" = 1 ] && [ "$cpus" -ge 2 ] && command -v taskset >/dev/null && command -v ss >/dev/null; then
  if [ "$cpus" -eq 2 ]; then servers_cpus=1; else servers_cpus="1-$((cpus - 1))"; fi
  pinned_ports=()
  for port in 6379 11211 5432 3306; do
    pid=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
    [ -n "$pid" ] || continue
    ok=0
    for p in $pid $(pgrep -P "$pid" || true); do
      old=$(taskset -p "$p" 2>/dev/null | awk '{print $NF}') || continue
      if taskset -a -p -c "$servers_cpus" "$p" >/dev/null 2>&1; then
        restore+=("$p:$old")
        ok=1
      fi
    done
    [ "$ok" = 1 ] && pinned_ports+=("$port")
  done
  client_jvm=(-jvmArgsPrepend -Dsessionkit.bench.client-cpus=0)
  placement="benchmark JVM on CPU 0 after each trial's pre-warm (which may use every CPU); servers on CPU(s) $servers_cpus (local ports ${pinned_ports[*]:-none}, and the run's Redis Cluster); H2 and the embedded Mongo run inside the benchmark JVM, on CPU 0"
fi
unpin() {
  for entry in "${restore[@]}"; do
    taskset -a -p "${entry#*:}" "${entry%%:*}" >/dev/null 2>&1 || true
  done
}
trap unpin EXIT

if [ "$mode" = overhead ]; then
  rounds="${SESSIONKIT_BENCH_ROUNDS:-5}"
  for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) = 1 ]; then order=(off on); else order=(on off); fi
    for m in "${order[@]}"; do
      java -jar "$jar" 'SessionBenchmark.(readOnly|modifying)$' -p backend=redis -p sessionBytes=1024 -p metrics="$m" \
        -bm sample -wi 4 -w 1s -i 3 -r 1s -f 1 -prof gc -t 16 "${client_jvm[@]}" -rf json -rff "$out/overhead-r$r-$m.json" \
        | tee "$out/overhead-r$r-$m.txt"
    done
  done
  # ops/s = threads / mean time per request, as ReportWriter computes it; each side's mean over the rounds.
  jq -s -r '
    [.[][] | {kind: (.benchmark | split(".") | last), metrics: .params.metrics,
              ops: (.threads * 1e6 / .primaryMetric.score),
              alloc: (.secondaryMetrics | to_entries | map(select(.key | endswith("gc.alloc.rate.norm"))) | .[0].value.score)}]
    | group_by(.kind) | .[] | . as $runs
    | ([$runs[] | select(.metrics == "off") | .ops]) as $off | ([$runs[] | select(.metrics == "on") | .ops]) as $on
    | def mean: add / length; def spread: ((max - min) / 2 / mean * 100 | round);
      (($on | mean) / ($off | mean)) as $ratio
    | "| redis | \(if $runs[0].kind == "readOnly" then "read-only" else "modifying" end) | 1 KiB | 16 | \($off | length) "
      + "| \($off | mean | round) ±\($off | spread)% | \($on | mean | round) ±\($on | spread)% | **\($ratio * 1000 | round / 1000)** "
      + "| \((1 - $ratio) * 1000 | round / 10)% "
      + "| \([$runs[] | select(.metrics == "off") | .alloc] | mean | round) | \([$runs[] | select(.metrics == "on") | .alloc] | mean | round) |"
  ' "$out"/overhead-r*-*.json | tee "$out/overhead.md"
  echo "placement: $placement; load average before / after: $load_before / $(load)"
  exit 0
fi

# One Redis Cluster (3 local masters, free ports) for the whole run, stopped on exit.
if [ -n "$servers_cpus" ]; then
  taskset -c "$servers_cpus" java -cp "$jar" io.sessionkit.benchmarks.RedisClusterForRun > "$out/cluster.txt" 2>&1 &
else
  java -cp "$jar" io.sessionkit.benchmarks.RedisClusterForRun > "$out/cluster.txt" 2>&1 &
fi
cluster_pid=$!
trap 'kill "$cluster_pid" 2>/dev/null || true; wait "$cluster_pid" 2>/dev/null || true; unpin' EXIT
for _ in $(seq 1 120); do
  grep -q '^nodes=' "$out/cluster.txt" && break
  kill -0 "$cluster_pid" 2>/dev/null || { cat "$out/cluster.txt" >&2; exit 1; }
  sleep 0.5
done
SESSIONKIT_BENCH_REDIS_CLUSTER=$(sed -n 's/^nodes=//p' "$out/cluster.txt")
export SESSIONKIT_BENCH_REDIS_CLUSTER
export SESSIONKIT_BENCH_SERVERS_FILE="$out/servers.tsv"

# One JMH invocation per backend (and thread count), so that a backend's store and raw benchmarks run back to back:
# run in one go, JMH orders by request kind first, and a server's background work left over from an earlier trial
# (PostgreSQL's autovacuum and checkpoints after the write-heavy trials) fell on one side of a ratio only.
backends=(${SESSIONKIT_BENCH_BACKENDS:-local redis redis-cluster memcached jdbc-h2 jdbc-postgres jdbc-mariadb mongo})
results=()
if [ "$mode" = quick ]; then
  threads=(16)
  jmh=('SessionBenchmark.(readOnly|modifying)(Raw)?$' -p sessionBytes=1024 -bm sample -wi 4 -w 1s -i 3 -r 1s -f 1 -prof gc)
else
  threads=(1 16)
  jmh=(SessionBenchmark -bm sample -wi 5 -w 1s -i 5 -r 1s -f 1 -prof gc)
fi
for t in "${threads[@]}"; do
  for b in "${backends[@]}"; do
    java -jar "$jar" "${jmh[@]}" "${client_jvm[@]}" -t "$t" -p backend="$b" -rf json -rff "$out/jmh-t$t-$b.json" \
      | tee "$out/jmh-t$t-$b.txt"
    results+=(--results "$out/jmh-t$t-$b.json")
  done
done
command="session-benchmarks/run.sh $mode = for each of ${#threads[@]} thread count(s) and ${#backends[@]} backends: java -jar $jar ${jmh[*]} -t {$(IFS=,; echo "${threads[*]}")} -p backend={each} -rf json"

java -cp "$jar" io.sessionkit.benchmarks.CommandCounter --out "$out/command-counts.json"
# allowAttachSelf lets JOL read object sizes through the instrumentation API (otherwise it warns and uses Unsafe).
java -Djdk.attach.allowAttachSelf=true -cp "$jar" io.sessionkit.benchmarks.MemoryFootprint --out "$out/memory.json"

minutes=$(( ($(date +%s) - started + 59) / 60 ))
machine="$(nproc) CPUs ($(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | xargs || echo unknown CPU)),\
 $(awk '/^MemTotal:/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo 2>/dev/null || echo RAM unknown), $(uname -sr)"
java -cp "$jar" io.sessionkit.benchmarks.ReportWriter "${results[@]}" \
  --counts "$out/command-counts.json" --memory "$out/memory.json" --servers "$out/servers.tsv" \
  --out BENCHMARKS.md --title "$mode run, $minutes min wall time including the build" --machine "$machine" \
  --command "$command" --load-before "$load_before" --load-after "$(load)" --placement "$placement" --section "$mode"
