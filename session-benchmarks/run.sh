#!/usr/bin/env bash
# Runs the JMH benchmarks, the server-side command counts and the memory measurement, then rewrites the
# generated results in BENCHMARKS.md.
#
#   session-benchmarks/run.sh quick   every backend x 4 request kinds x {store, raw}; 1 KiB sessions, 16 threads,
#                                     sample mode with -prof gc; 64 JMH forks: 13 min including the
#                                     build on 2 cores under load average 9-16 (not yet timed on an idle machine)
#   session-benchmarks/run.sh full    the same at 1 and 16 threads and 1 KiB and 32 KiB, longer iterations;
#                                     about 2.5 hours on 2 cores
#
# Needs the local servers of the tests (PostgreSQL, MariaDB, Redis, memcached at their standard ports or
# SESSIONKIT_TEST_*; `.ci/run` starts them) and the redis-server, redis-cli and memcached binaries for the
# Redis Cluster and the private servers of the command counts. MongoDB: a mongod on 27017 or
# SESSIONKIT_TEST_MONGO if there is one, otherwise the embedded mongo-java-server (labelled as such).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-quick}"
case "$mode" in
  quick|full) ;;
  *) echo "usage: $0 [quick|full]" >&2; exit 2 ;;
esac

started=$(date +%s)
./mvnw -B -q -Pbenchmarks -pl session-benchmarks -am package -DskipTests
jar=session-benchmarks/target/benchmarks.jar
out=session-benchmarks/target/results
rm -rf "$out"
mkdir -p "$out"
load_before=$(awk '{print $1 " / " $2 " / " $3}' /proc/loadavg 2>/dev/null || echo n/a)

# One Redis Cluster (3 local masters, free ports) for the whole run, stopped on exit.
java -cp "$jar" io.sessionkit.benchmarks.RedisClusterForRun > "$out/cluster.txt" 2>&1 &
cluster_pid=$!
trap 'kill "$cluster_pid" 2>/dev/null || true; wait "$cluster_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q '^nodes=' "$out/cluster.txt" && break
  kill -0 "$cluster_pid" 2>/dev/null || { cat "$out/cluster.txt" >&2; exit 1; }
  sleep 0.5
done
SESSIONKIT_BENCH_REDIS_CLUSTER=$(sed -n 's/^nodes=//p' "$out/cluster.txt")
export SESSIONKIT_BENCH_REDIS_CLUSTER
export SESSIONKIT_BENCH_SERVERS_FILE="$out/servers.tsv"

results=()
if [ "$mode" = quick ]; then
  jmh=(SessionBenchmark -p sessionBytes=1024 -t 16 -bm sample -wi 1 -w 2s -i 1 -r 2s -f 1 -prof gc)
  java -jar "$jar" "${jmh[@]}" -rf json -rff "$out/jmh-t16.json" | tee "$out/jmh-t16.txt"
  results+=(--results "$out/jmh-t16.json")
  command="session-benchmarks/run.sh quick = java -jar $jar ${jmh[*]} -rf json"
else
  for t in 1 16; do
    jmh=(SessionBenchmark -t "$t" -bm sample -wi 2 -w 5s -i 3 -r 5s -f 1 -prof gc)
    java -jar "$jar" "${jmh[@]}" -rf json -rff "$out/jmh-t$t.json" | tee "$out/jmh-t$t.txt"
    results+=(--results "$out/jmh-t$t.json")
  done
  command="session-benchmarks/run.sh full = java -jar $jar SessionBenchmark -t {1,16} -bm sample -wi 2 -w 5s -i 3 -r 5s -f 1 -prof gc -rf json"
fi

java -cp "$jar" io.sessionkit.benchmarks.CommandCounter --out "$out/command-counts.json"
java -XX:+UseSerialGC -Xmx1g -cp "$jar" io.sessionkit.benchmarks.MemoryFootprint --out "$out/memory.json"

minutes=$(( ($(date +%s) - started + 59) / 60 ))
java -cp "$jar" io.sessionkit.benchmarks.ReportWriter "${results[@]}" \
  --counts "$out/command-counts.json" --memory "$out/memory.json" --servers "$out/servers.tsv" \
  --out BENCHMARKS.md --title "$mode run, $minutes min wall time including the build" \
  --command "$command" --load-before "$load_before"
