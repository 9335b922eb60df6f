#!/usr/bin/env bash
# Makes the AppCDS archive of the packaged service with a training run: starts it with -XX:ArchiveClassesAtExit,
# waits until it has started and answered a readiness probe, and stops it; the JVM writes the archive as it exits.
# The archive holds the ~9,500 classes a start loads (all of them: the service is one jar on the class path), already
# parsed and verified, which takes the time to ready from 3.2-3.5 s to 1.2-1.7 s on the 2-core build machine. Start
# the service with -XX:SharedArchiveFile=<archive> on the same JVM build; give the jar here by its absolute path (then
# any working directory works) or exactly as the service's -jar will. A JVM that cannot use the archive (another
# build, a rebuilt or moved jar) says so in a warning and starts without it.
#   usage: appcds.sh <archive> <path of the service's jar> [port, default 18199] [extra JVM options...]
set -euo pipefail
# shellcheck source=docker/http-probe.sh
source "$(dirname "${BASH_SOURCE[0]}")/http-probe.sh"

archive=$1
jar=$2
port=${3:-18199}
shift $(( $# < 3 ? $# : 3 ))

rm -f "$archive"
# Dummy credentials and a loopback endpoint: the training run only starts; it never calls Bedrock.
AWS_ACCESS_KEY_ID=appcds-training AWS_SECRET_ACCESS_KEY=appcds-training \
    java "$@" -XX:ArchiveClassesAtExit="$archive" \
        -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
        -Dbedrock.region=us-east-1 -Dbedrock.endpoint-override=http://127.0.0.1:9 \
        -jar "$jar" > "$archive.log" 2>&1 &
pid=$!

for _ in $(seq 600); do
    http_ok "$port" /q/health/ready 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$archive.log" >&2; echo "the training run exited early" >&2; exit 1; }
    sleep 0.1
done
http_ok "$port" /q/health/live 2>/dev/null || true
kill -TERM "$pid"
wait "$pid" || true
[ -s "$archive" ] || { cat "$archive.log" >&2; echo "no archive was written" >&2; exit 1; }
rm -f "$archive.log"
echo "AppCDS archive: $archive ($(( $(stat -c %s "$archive") / 1048576 )) MiB)"
