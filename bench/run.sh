#!/usr/bin/env bash
# Benchmark: the packaged service against a fixed-latency Bedrock on loopback, side by side with the same load
# sent straight to that Bedrock (the physical limit of any proxy on this machine). Not part of `./mvnw verify`.
# Needs wrk (apt-get install -y wrk).
# Usage: [BENCH_HEAP=512m] [BENCH_JAVA_OPTS=...] [BENCH_SCENARIOS="256 256_s3"] bench/run.sh [seconds per scenario, default 20]
# BENCH_SCENARIOS: only these runs at 500 ms upstream (64, 256, 256_s3, 256_hits, 1024, 1024_polite, 256_at_once), no
# 0 ms runs.
# Each service is warmed up until its JIT compilers have settled (they are busy for minutes on two cores); the
# upstream and wrk run on the same two cores. The service runs as in the pod docker/kubernetes ships: the JVM options
# of the container image (docker/Dockerfile.jvm) with the heap that image gives a 1 GiB memory limit (BENCH_HEAP,
# default 512m), any further JVM options in BENCH_JAVA_OPTS (e.g. -Xmn96m, a young generation), and its default
# in-flight and upload-memory limits. The summary at the end checks the targets of issue 27 (docs/performance.md).
# With the 500 ms upstream, each run spreads its connections' first requests over 500 ms, as independent clients
# would send them; one pair of runs at 256 connections starts them all at once instead, and one service run at 1,024
# connections has clients that wait the Retry-After of each 503 before sending again.
# Every request but those of the 256_hits run says Cache-Control: no-cache, no-store, so that the result cache neither
# answers nor keeps them: they measure the way to Bedrock. The 256_hits run sends the same upload without it, all of
# them answered from the in-process result cache, and is compared with the 256-connection run of misses.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-20}
# The heap of the 1 GiB pod of docker/kubernetes: -XX:MaxRAMPercentage=50 of its memory limit.
heap=${BENCH_HEAP:-512m}
work=target/bench
mkdir -p "$work"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

jar=target/image-understanding-api-runner.jar
[ -f "$jar" ] || ./mvnw -q -B package -DskipTests
# AppCDS archive of this JVM from a training run (see docker/appcds.sh); made with the absolute jar path, it serves
# any working directory.
docker/appcds.sh target/app-cds.jsa "$PWD/$jar" 18080 -Xmx512m
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=test
classpath="target/test-classes:target/classes:$(cat "$work/classpath.txt")"
model="us.anthropic.claude-sonnet-4-5-20250929-v1:0"

# Request bodies: the 240 KB cat PNG as multipart for the service, base64 in Converse JSON for Bedrock.
boundary=bench-boundary-4f1c
make_multipart() { # $1 image file, $2 output
    { printf -- '--%s\r\nContent-Disposition: form-data; name="preset"\r\n\r\ncaption\r\n' "$boundary"
      printf -- '--%s\r\nContent-Disposition: form-data; name="image"; filename="image"\r\n' "$boundary"
      printf 'Content-Type: application/octet-stream\r\n\r\n'
      cat "$1"
      printf '\r\n--%s--\r\n' "$boundary"; } > "$2"
}
make_multipart src/main/resources/samples/cat-chelsea.png "$work/cat.multipart"
{ printf '{"messages":[{"role":"user","content":[{"image":{"format":"png","source":{"bytes":"'
  base64 -w0 src/main/resources/samples/cat-chelsea.png
  printf '"}}},{"text":"Write a brief caption."}]}],"inferenceConfig":{"maxTokens":2000,"temperature":0.0}}'; } > "$work/cat.json"
# The same image read by the service from S3 (S3Proxy, bench/S3 below), named in a JSON request.
printf '{"images":[{"s3":"s3://bench/cat-chelsea.png"}],"preset":"caption"}' > "$work/cat-s3.json"
java -cp "$classpath" dev.visionapi.image.ImagePreparationBenchmark "$work/images" 1 >/dev/null
make_multipart "$work/images/photo-12mp.jpg" "$work/photo.multipart"

cat > "$work/post.lua" <<'LUA'
local file = io.open(os.getenv("BENCH_BODY"), "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = os.getenv("BENCH_TYPE")
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/bedrock/aws4_request"
local cache_control = os.getenv("BENCH_CACHE_CONTROL") or ""
if cache_control ~= "" then wrk.headers["Cache-Control"] = cache_control end
-- BENCH_RAMP_MS: each connection's first request leaves up to this long after the start, evenly spread (BENCH_FIRST
-- is connections per thread), so that requests arrive as independent clients send them; wrk times a request from
-- when it is sent, so the wait is not counted. 0 or unset: every connection sends its first request at once.
local ramp = tonumber(os.getenv("BENCH_RAMP_MS") or "0")
local first = tonumber(os.getenv("BENCH_FIRST") or "0")
local started = 0
-- BENCH_POLITE=1: clients that honour Retry-After. After each 503 the thread's next request waits that long; wrk does
-- not say which connection a response came from, so it is the thread's next connection to send, not necessarily the
-- refused one (as many requests wait, for as long).
local polite = os.getenv("BENCH_POLITE") == "1"
local waits = {}
if ramp > 0 or polite then
  function delay()
    if started < first then
      started = started + 1
      return math.floor(ramp * started / first)
    end
    return table.remove(waits, 1) or 0
  end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) shed = 0 end
-- 503s are the service shedding load at its in-flight or upload-memory limit; counted apart from errors.
function response(status, headers, body)
  if status == 503 then
    shed = shed + 1
    if polite then table.insert(waits, 1000 * tonumber(headers["Retry-After"] or "1")) end
  end
end
done = function(summary, latency, requests)
  local sheds = 0
  for _, thread in ipairs(threads) do sheds = sheds + thread:get("shed") end
  io.write(string.format("RESULT %d %d %d %.1f %.1f %.1f %.1f\n", summary.requests, sheds,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
      - sheds,
    (summary.requests - sheds) / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

upstream_pid=""
service_pid=""
s3_pid=""
cleanup() { kill $service_pid $upstream_pid $s3_pid 2>/dev/null || true; }
trap cleanup EXIT

# S3 for the s3:// runs: S3Proxy in its own JVM on the same cores, as an S3 endpoint in the same zone would not be.
java -Xmx256m -XX:+UseSerialGC -cp "$classpath" dev.visionapi.bench.BenchS3 > "$work/s3.out" 2>&1 &
s3_pid=$!
until grep -qs '^http' "$work/s3.out"; do
    kill -0 "$s3_pid" 2>/dev/null || { cat "$work/s3.out" >&2; echo "S3Proxy exited" >&2; exit 1; }
    sleep 0.2
done
s3=$(grep -m1 '^http' "$work/s3.out")

start_upstream() { # $1 latency ms
    [ -n "$upstream_pid" ] && kill "$upstream_pid" 2>/dev/null && wait "$upstream_pid" 2>/dev/null || true
    : > "$work/upstream.out"
    java -Xmx512m -XX:+UseParallelGC -cp "$classpath" dev.visionapi.bench.BenchUpstream "$1" >> "$work/upstream.out" 2>&1 &
    upstream_pid=$!
    until grep -q '^http' "$work/upstream.out"; do sleep 0.2; done
    upstream=$(grep -m1 '^http' "$work/upstream.out")
}

# Start-up is timed with a readiness probe made of bash builtins (docker/http-probe.sh, and a pause that reads an idle
# pipe with a timeout), as a kubelet probes from outside the pod: a curl every 50 ms took about 23 ms of CPU each, a
# third of a core, from the starting service on these two cores and slowed its start by 0.3-0.6 s.
source docker/http-probe.sh
pause_pipe=$(mktemp -u)
mkfifo "$pause_pipe"
exec {pause}<>"$pause_pipe"
rm "$pause_pipe"

start_service() {
    [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
    local started=$(date +%s%N)
    # The container's options and malloc arenas (docker/Dockerfile.jvm), with a fixed heap (BENCH_HEAP, default 512m)
    # instead of MaxRAMPercentage and the AppCDS archive made above instead of the image's. -Xms64m: a pod starts with
    # a small heap (1/64 of its memory); on a large host the JVM would start with 1/64 of the host's RAM and look
    # bigger idle.
    local java_opts
    java_opts=$(sed -n 's/.*JAVA_OPTS="\(.*\)".*/\1/p' docker/Dockerfile.jvm \
        | sed 's/-XX:MaxRAMPercentage=[0-9]*//; s#-XX:SharedArchiveFile=[^ ]*#-XX:SharedArchiveFile=target/app-cds.jsa#')
    local malloc_arenas
    malloc_arenas=$(sed -n 's/^ *MALLOC_ARENA_MAX=\([0-9]*\).*/\1/p' docker/Dockerfile.jvm)
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX="$malloc_arenas" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench java $java_opts -Xms64m -Xmx"$heap" \
        ${BENCH_JAVA_OPTS:-} \
        -Dquarkus.http.port=18080 -Dquarkus.http.host=127.0.0.1 -Dbedrock.region=us-east-1 \
        -Dbedrock.endpoint-override="$upstream" \
        -Dsources.s3.endpoint-override="$s3" -Dsources.s3.path-style=true -Dsources.s3.region=us-east-1 \
        -Dsources.s3.allowed-buckets=bench \
        `# wrk is one client address: the per-client cap would refuse most of its connections` \
        -Danalysis.max-in-flight-per-client=100000 \
        -jar "$jar" > "$work/service.log" 2>&1 &
    service_pid=$!
    until http_ok 18080 /q/health/ready 2>/dev/null; do
        kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log" >&2; echo "the service exited" >&2; exit 1; }
        read -r -t 0.01 -u "$pause" || true
    done
    startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
}

cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
rss_peak_mib() { awk '/VmHWM/ {printf "%d", $2 / 1024}' /proc/"$1"/status; }

# The result cache is skipped (no lookup, no store) unless a run clears this.
cache_control="no-cache, no-store"

warm_up() { # $1 url, $2 body, $3 type, $4 seconds, $5 connections: JIT-compile the hot paths before measuring
    BENCH_CACHE_CONTROL="$cache_control" BENCH_BODY="$2" BENCH_TYPE="$3" wrk -t2 -c"$5" -d"$4"s --timeout 30s -s "$work/post.lua" "$1" >/dev/null
}

compilations() { jstat -compiler "$1" | awk 'NR == 2 { print $1 }'; }

# Warms the service up in rounds of 15 s until its JIT has settled: at least $5 rounds, then until a round in which
# fewer than 100 methods were compiled, 20 rounds at most. On two cores under load C2 works through the hot code for
# minutes; at 0 ms a run after 60 s of warm-up made 1,170 analyses/s, one after 120 s 1,690.
warm_up_until_settled() { # $1 url, $2 body, $3 type, $4 connections, $5 minimum rounds
    local round=0 before after
    while :; do
        before=$(compilations "$service_pid")
        warm_up "$1" "$2" "$3" 15 "$4"
        after=$(compilations "$service_pid")
        round=$(( round + 1 ))
        if { [ "$round" -ge "$5" ] && [ $(( after - before )) -lt 100 ]; } || [ "$round" -ge 20 ]; then
            break
        fi
    done
    echo "| (warmed up: $round rounds of 15 s at $4 connections, $(( after - before )) methods compiled in the last) | | | | | | | | | |"
}

# What the summary checks, by scenario key (see the main loop): answered req/s, errors, ratio and p99 difference to
# the direct row, peak RSS.
declare -A m_rps m_errors m_ratio m_p99 m_rss

run() { # $1 label, $2 url, $3 body, $4 type, $5 connections, $6 ramp ms, $7 1: clients honour Retry-After,
        # $8 scenario key for the summary (optional)
    local before=$(cpu_ticks "$service_pid")
    local line
    line=$(BENCH_CACHE_CONTROL="$cache_control" BENCH_BODY="$3" BENCH_TYPE="$4" BENCH_RAMP_MS="$6" BENCH_FIRST=$(( $5 / 2 )) BENCH_POLITE="${7:-0}" \
        wrk -t2 -c"$5" -d"${duration}s" --timeout 30s -s "$work/post.lua" "$2" | grep '^RESULT')
    local ticks=$(( $(cpu_ticks "$service_pid") - before ))
    read -r _ requests sheds errors rps p50 p99 max <<< "$line"
    local cpu_per_1000=$(awk -v t="$ticks" -v r="$requests" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (r > 0) printf "%.2f", t / hz / r * 1000; else print "-" }')
    # Service rows are compared with the direct row just before them (same latency and connections).
    local versus="-"
    if [[ "$1" == direct* ]]; then
        direct_rps=$rps direct_p99=$p99 direct_key="$5"
    elif [ "${direct_key:-}" = "$5" ]; then
        local ratio p99_diff
        ratio=$(awk -v r="$rps" -v dr="$direct_rps" 'BEGIN { printf "%.2f", (dr > 0 ? r / dr : 0) }')
        p99_diff=$(awk -v p="$p99" -v dp="$direct_p99" 'BEGIN { printf "%+.0f", p - dp }')
        versus="$ratio × req/s, p99 $p99_diff ms"
        direct_key=""
        if [ -n "${8:-}" ]; then
            m_ratio[$8]=$ratio m_p99[$8]=$p99_diff
        fi
    fi
    if [ -n "${8:-}" ]; then
        m_rps[$8]=$rps m_errors[$8]=$errors m_rss[$8]=$(rss_peak_mib "$service_pid")
    fi
    printf '| %s | %d | %s | %.0f | %.1f | %.1f | %.1f | %s | %s | %s |\n' "$1" "$5" "$requests/$sheds/$errors" "$rps" \
        "$p50" "$p99" "$max" "$cpu_per_1000" "$(rss_peak_mib "$service_pid")" "$versus"
}

echo "# $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
     "$(java -version 2>&1 | head -1), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2), ${duration} s per run," \
     "service heap -Xmx$heap"
echo
echo "| run | connections | requests/503 sheds/errors | answered req/s | p50 ms | p99 ms | max ms | service CPU s per 1000 | service peak RSS MiB | service / direct |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
service_url=http://127.0.0.1:18080/v1/analyses
multipart="multipart/form-data; boundary=$boundary"
latencies="500 0"
[ -n "${BENCH_SCENARIOS:-}" ] && latencies=500
for latency in $latencies; do
    start_upstream "$latency"
    start_service
    [ "$latency" = 500 ] && first_startup_ms=$startup_ms
    warm_up "$upstream/model/${model//:/%3A}/converse" "$work/cat.json" application/json 10 64
    if [ "$latency" = 500 ]; then
        echo "| (service started in ${startup_ms} ms, idle RSS $(awk '/VmRSS/ {printf "%d", $2/1024}' /proc/$service_pid/status) MiB) | | | | | | | | | |"
        connections=${BENCH_SCENARIOS:-"64 256 256_s3 256_hits 1024 1024_polite 256_at_once"}
        # One round past the in-flight limit, so that the code of the 503 sheds is compiled too.
        warm_up "$service_url" "$work/cat.multipart" "$multipart" 15 1024
        warm_up_until_settled "$service_url" "$work/cat.multipart" "$multipart" 256 8
        warm_up "$service_url" "$work/cat-s3.json" application/json 15 256
    else
        connections="64"
        warm_up_until_settled "$service_url" "$work/cat.multipart" "$multipart" 64 4
    fi
    # Connections start over one upstream latency (see post.lua); the last pair, at 500 ms, starts them all at once:
    # 256 uploads in the same millisecond, whose CPU the two cores work through before the later ones are even read.
    for c in $connections; do
        ramp=$latency label="${latency} ms upstream" polite=0 with_direct=1 key="$latency:$c"
        body="$work/cat.multipart" type="$multipart" s3_ticks=""
        if [ "$c" = 256_s3 ]; then
            # Compared with the direct row at 256 connections, which sends the image's bytes itself.
            c=256 with_direct=0 label="$label, JSON with one s3:// image read from S3Proxy" direct_key=256
            body="$work/cat-s3.json" type=application/json s3_ticks=$(cpu_ticks "$s3_pid")
        elif [ "$c" = 256_hits ]; then
            # Compared with the run of misses at 256 connections: the same upload, answered from the result cache,
            # which the warm-up fills (its first request) and whose hit path it compiles.
            # Its last column compares it with that run (hits / misses) instead of with a direct one.
            c=256 with_direct=0 label="$label, result cache hits (last column: against the misses)" direct_key=256 \
                direct_rps=${miss_rps:-0} direct_p99=${miss_p99:-0}
            cache_control=""
            warm_up "$service_url" "$body" "$type" 15 256
        elif [ "$c" = 256_at_once ]; then
            c=256 ramp=0 label="$label, all connections at once"
        elif [ "$c" = 1024_polite ]; then
            # Compared with the direct row at 1,024 connections: no 503 reaches a client of Bedrock here.
            c=1024 polite=1 with_direct=0 label="$label, clients wait Retry-After after a 503" direct_key=1024
        fi
        if [ "$with_direct" = 1 ]; then
            run "direct, $label" "$upstream/model/${model//:/%3A}/converse" "$work/cat.json" application/json "$c" "$ramp"
        fi
        run "service, $label" "$service_url" "$body" "$type" "$c" "$ramp" "$polite" "$key"
        cache_control="no-cache, no-store"
        if [ "$key" = 500:256 ]; then
            miss_rps=$rps miss_p99=$p99
        fi
        if [ -n "$s3_ticks" ]; then
            # S3Proxy shares the two cores with the service: its CPU is what the service's throughput lost to it.
            echo "| (S3Proxy in that run: $(awk -v t="$(( $(cpu_ticks "$s3_pid") - s3_ticks ))" -v r="$requests" \
                -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz / r * 1000 }') s CPU per 1000) | | | | | | | | | |"
        fi
    done
done
if [ -z "${BENCH_SCENARIOS:-}" ]; then
    warm_up "$service_url" "$work/photo.multipart" "$multipart" 15 16
    run "service, 0 ms upstream, 12 MP JPEG resized" "$service_url" "$work/photo.multipart" "$multipart" 16 0
fi

# The targets of issue 27, on this run. A target is met when its condition holds for the measured value x.
target() { # $1 target, $2 measured value (empty: not measured), $3 unit, $4 awk condition on x
    local met="not measured"
    [ -n "$2" ] && met=$(awk -v x="$2" "BEGIN { print (($4) ? \"yes\" : \"NO\") }")
    printf '| %s | %s | %s |\n' "$1" "${2:+$2$3}" "$met"
}
worst() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "") exit; print (a + 0 > b + 0 ? a : b) }'; }
echo
echo "| target (issue 27) | measured | met |"
echo "| --- | --- | --- |"
target "start-up to ready ≤ 1.5 s" "${first_startup_ms:-}" " ms" "x <= 1500"
target "500 ms, 256 connections, spread arrivals: ≥ 0.97 × direct throughput" "${m_ratio[500:256]:-}" " ×" "x >= 0.97"
target "500 ms, 256 connections, spread arrivals: p99 ≤ direct + 30 ms" "${m_p99[500:256]:-}" " ms" "x <= 30"
target "500 ms, 256 connections, all at once: p99 ≤ direct + 150 ms" "${m_p99[500:256_at_once]:-}" " ms" "x <= 150"
errors_1024=""
if [ -n "${m_errors[500:1024]:-}" ] && [ -n "${m_errors[500:1024_polite]:-}" ]; then
    errors_1024=$(( m_errors[500:1024] + m_errors[500:1024_polite] ))
fi
target "500 ms, 1,024 connections: 0 errors (503 sheds allowed), both client kinds" "$errors_1024" "" "x == 0"
target "500 ms, 1,024 connections: p99 ≤ direct + 100 ms, worse of both client kinds" \
    "$(worst "${m_p99[500:1024]:-}" "${m_p99[500:1024_polite]:-}")" " ms" "x <= 100"
target "500 ms, 1,024 connections: peak RSS ≤ 900 MiB" "${m_rss[500:1024_polite]:-}" " MiB" "x <= 900"
target "0 ms, 64 connections: ≥ 1,500 analyses/s" "${m_rps[0:64]:-}" "/s" "x >= 1500"
