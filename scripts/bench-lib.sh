# Shared shell functions of the benchmark scripts (scripts/bench-throughput, scripts/bench-suite).
# Source it from a script that runs `set -euo pipefail` at the repository root. Every process started
# through bench_track is stopped by bench_stop_all (call it from the script's EXIT trap).

BENCH_PIDS=()

# Remembers a child process to stop at exit.
bench_track() { BENCH_PIDS+=("$1"); }

# Stops the tracked children by their ids (TERM, then waits for each), newest first.
bench_stop_all() {
  local i
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    kill "${BENCH_PIDS[$i]}" 2>/dev/null || true
  done
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    wait "${BENCH_PIDS[$i]}" 2>/dev/null || true
  done
  BENCH_PIDS=()
}

# A free TCP port on the loopback interface (free when asked; nothing holds it afterwards).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Waits until url answers 2xx; fails with the end of log if process pid exits or after 120 s.
await_http() { # url pid log
  for _ in $(seq 1 600); do
    kill -0 "$2" 2>/dev/null || { echo "process for $1 exited:" >&2; tail -50 "$3" >&2; exit 1; }
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "timed out waiting for $1" >&2; tail -50 "$3" >&2; exit 1
}

# User plus system CPU time of one process so far, in clock ticks (its own threads only, not its
# children), from /proc/<pid>/stat. The comm field may contain spaces: cut up to the last ") ".
cpu_ticks() { # pid
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# The same in seconds.
cpu_seconds() { # pid
  awk -v t="$(cpu_ticks "$1")" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# Peak resident set size of a live process, in KiB (VmHWM from /proc/<pid>/status).
peak_rss_kib() { # pid
  awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# Writes an S3Proxy properties file: aws-v2-or-v4 authentication with one identity, and a backend
# that is either `transient` (jclouds in memory) or `filesystem:<dir>`. Extra lines are appended.
write_s3proxy_properties() { # file port identity secret backend [extra property lines...]
  local file="$1" port="$2" identity="$3" secret="$4" backend="$5"
  shift 5
  {
    echo "s3proxy.endpoint=http://127.0.0.1:$port"
    echo "s3proxy.authorization=aws-v2-or-v4"
    echo "s3proxy.identity=$identity"
    echo "s3proxy.credential=$secret"
    echo "jclouds.identity=$identity"
    echo "jclouds.credential=$secret"
    case "$backend" in
      transient) echo "jclouds.provider=transient" ;;
      filesystem:*)
        mkdir -p "${backend#filesystem:}"
        echo "jclouds.provider=filesystem"
        echo "jclouds.filesystem.basedir=${backend#filesystem:}"
        ;;
      *) echo "unknown S3Proxy backend $backend" >&2; return 1 ;;
    esac
    local line
    for line in "$@"; do echo "$line"; done
  } > "$file"
}

# Starts S3Proxy from target/s3proxy/s3proxy.jar with a properties file, waits for /healthz, and
# sets S3PROXY_STARTED_PID.
start_s3proxy() { # properties port log xmx
  java "-Xmx$4" -jar target/s3proxy/s3proxy.jar --properties "$1" > "$3" 2>&1 &
  S3PROXY_STARTED_PID=$!
  bench_track "$S3PROXY_STARTED_PID"
  await_http "http://127.0.0.1:$2/healthz" "$S3PROXY_STARTED_PID" "$3"
}

# Runs a command with its stdout and stderr into a file and prints the CPU clock ticks the command
# used (user plus system, its waited-for children included): a fresh subshell's cutime + cstime from
# /proc, which count exactly the children it waited for. Returns the command's exit status.
run_counting_cpu() { # outfile command...
  local out="$1"
  shift
  (
    rc=0
    "$@" > "$out" 2>&1 || rc=$?
    awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$BASHPID/stat"
    exit "$rc"
  )
}
