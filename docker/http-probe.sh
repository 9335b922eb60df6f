# Sourced by docker/appcds.sh and bench/run.sh. A readiness probe made of bash builtins only: no curl in a JRE image,
# and no process per probe to take CPU from the service starting next to it.

# http_ok PORT PATH: true when GET PATH on 127.0.0.1:PORT answers 200.
http_ok() {
    local status
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
    IFS= read -r -t 5 status <&3 || true
    exec 3<&-
    [[ $status == "HTTP/1.1 200 "* ]]
}
