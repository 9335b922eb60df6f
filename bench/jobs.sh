#!/usr/bin/env bash
# Benchmark of issue 30: an on-demand job over an S3 prefix of N copies of the 240 KB cat (S3Proxy, BenchS3) against a
# 500 ms Bedrock (BenchUpstream), jobs.workers.concurrency 256 on one replica with a real PostgreSQL (BenchPostgres),
# beside /v1/analyses at 256 connections with the same image by s3:// in the same run. Prints items/s against
# analyses/s, the job's creation time, and CPU per item of the service and of PostgreSQL. Not part of `./mvnw verify`.
# Needs wrk. Usage: bench/jobs.sh [items, default 10000] [seconds of the analyses run, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."

items=${1:-10000}
duration=${2:-20}
work=target/bench-jobs
mkdir -p "$work"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
jar=target/image-understanding-api-runner.jar
[ -f "$jar" ] || ./mvnw -q -B package -DskipTests
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=test
classpath="target/test-classes:target/classes:$(cat "$work/classpath.txt")"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
# Starts a helper process and sets $started to the first line it prints that is an endpoint.
start() { # $1 name, then the command
    local name=$1
    shift
    "$@" > "$work/$name.out" 2>&1 &
    pids+=($!)
    until grep -qsE '^(http|postgresql)://' "$work/$name.out"; do
        kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$name.out" >&2; echo "$name exited" >&2; exit 1; }
        sleep 0.2
    done
    started=$(grep -m1 -E '^(http|postgresql)://' "$work/$name.out")
}
start upstream java -Xmx512m -XX:+UseParallelGC -cp "$classpath" dev.visionapi.bench.BenchUpstream 500
upstream=$started
start s3 java -Xmx4g -XX:+UseParallelGC -cp "$classpath" dev.visionapi.bench.BenchS3 "$items"
s3=$started
start postgres java -Xmx128m -cp "$classpath" dev.visionapi.bench.BenchPostgres
database=$started

AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench java -Xms64m -Xmx512m -XX:+UseParallelGC -XX:NewRatio=1 \
    -Dquarkus.http.port=18090 -Dquarkus.http.host=127.0.0.1 \
    -Dbedrock.region=us-east-1 -Dbedrock.endpoint-override="$upstream" \
    -Dsources.s3.endpoint-override="$s3" -Dsources.s3.path-style=true -Dsources.s3.region=us-east-1 \
    -Dsources.s3.allowed-buckets=bench \
    -Dquarkus.datasource.reactive.url="$database" -Dquarkus.datasource.username=postgres \
    -Djobs.workers.concurrency=256 -Danalysis.max-in-flight-per-client=100000 \
    `# N copies of one image: with the result cache, every item after the first would be a hit` -Dcache.enabled=false \
    -jar "$jar" > "$work/service.log" 2>&1 &
service=$!
pids+=($service)
until curl -sf http://127.0.0.1:18090/q/health/ready >/dev/null; do
    kill -0 "$service" 2>/dev/null || { cat "$work/service.log" >&2; echo "the service exited" >&2; exit 1; }
    sleep 0.2
done

printf '{"images":[{"s3":"s3://bench/cat-chelsea.png"}],"preset":"caption"}' > "$work/cat-s3.json"
cat > "$work/post.lua" <<'LUA'
local file = io.open("target/bench-jobs/cat-s3.json", "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.1f %.1f\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000))
end
LUA
analyses() { wrk -t2 -c256 -d"$1"s --timeout 30s -s "$work/post.lua" http://127.0.0.1:18090/v1/analyses | grep '^RESULT'; }
cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
postgres_ticks() { for p in $(pgrep -x postgres); do awk '{print $14 + $15}' /proc/"$p"/stat; done | awk '{s += $1} END {print s + 0}'; }
hz=$(getconf CLK_TCK)

for _ in 1 2 3 4; do analyses 15 >/dev/null; done # JIT warm-up of the analysis path the job items take too
read -r _ requests errors rps p99 <<< "$(analyses "$duration")"

service_before=$(cpu_ticks "$service") postgres_before=$(postgres_ticks)
created=$(date +%s%N)
job=$(curl -sf -H 'Content-Type: application/json' http://127.0.0.1:18090/v1/jobs \
    -d '{"source": {"s3Prefix": "s3://bench/job/"}, "preset": "caption", "engine": "on-demand"}' \
    | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
accepted=$(date +%s%N)
status=""
until [ "$status" = completed ]; do
    sleep 0.5
    state=$(curl -sf "http://127.0.0.1:18090/v1/jobs/$job")
    status=$(grep -o '"status":"[^"]*"' <<< "$state" | head -1 | cut -d'"' -f4)
    [ $(( ($(date +%s%N) - accepted) / 1000000000 )) -lt 3600 ] || { echo "the job did not complete in an hour" >&2; exit 1; }
done
finished=$(date +%s%N)
service_ticks=$(( $(cpu_ticks "$service") - service_before )) postgres_ticks=$(( $(postgres_ticks) - postgres_before ))
succeeded=$(grep -o '"succeeded":[0-9]*' <<< "$state" | cut -d: -f2)
failed=$(grep -o '"failed":[0-9]*' <<< "$state" | cut -d: -f2)

awk -v items="$items" -v created="$created" -v accepted="$accepted" -v finished="$finished" -v rps="$rps" \
    -v p99="$p99" -v requests="$requests" -v errors="$errors" -v succeeded="$succeeded" -v failed="$failed" \
    -v st="$service_ticks" -v pt="$postgres_ticks" -v hz="$hz" -v d="$duration" -v day="$(date -u +%F)" \
    -v cores="$(nproc)" 'BEGIN {
    run = (finished - accepted) / 1e9
    printf "# %s, %d cores; %d-image on-demand job, jobs.workers.concurrency 256, 500 ms upstream, S3Proxy\n\n", \
        day, cores, items
    printf "| what | measured |\n| --- | --- |\n"
    printf "| /v1/analyses, 256 connections, %d s (JSON, one s3:// image) | %.0f/s, p99 %.0f ms (%d requests, %d errors) |\n", d, rps, p99, requests, errors
    printf "| job creation (listing %d objects, inserting the items) | %.2f s |\n", items, (accepted - created) / 1e9
    printf "| job run, accepted to completed | %.1f s: %.0f items/s (%d succeeded, %d failed) |\n", run, items / run, succeeded, failed
    printf "| items/s ÷ analyses/s | %.2f (target ≥ 0.9) |\n", items / run / rps
    printf "| service CPU per item | %.2f ms |\n", st / hz / items * 1000
    printf "| PostgreSQL CPU per item (all its processes) | %.2f ms (%.1f %% of service + PostgreSQL) |\n", pt / hz / items * 1000, 100 * pt / (st + pt)
}'
