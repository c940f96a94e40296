#!/usr/bin/env bash
# SIGTERM, SIGINT and SIGKILL during `tasklens run --trace`: what was printed and traced survives.
#   signals.sh TASKLENS
set -u
tasklens="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cat >"$dir/loop.exs" <<'SCRIPT'
IO.puts "start"
for i <- 1..20, do: spawn(fn -> Process.sleep(i) end)
defmodule L do
  def f(n), do: f(n + 1)
end
L.f(0)
SCRIPT
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# Waits until the run has printed "start" (the scenario is past its first line), at most 60 s.
wait_started() {
    for _ in $(seq 600); do
        [[ -s "$dir/out" ]] && return 0
        sleep 0.1
    done
    return 1
}

for signal in TERM INT; do
    rm -f "$dir/out" "$dir/err" "$dir/t.jsonl"
    # A background job of a non-interactive shell ignores SIGINT: `exec` the binary from a fresh
    # bash with SIGINT restored, so tasklens installs its handler as it would under a terminal.
    (cd "$dir" && trap - INT && exec "$tasklens" run loop.exs --trace t.jsonl >out 2>err) &
    pid=$!
    wait_started || fail "$signal: the run never printed start"
    sleep 0.5
    kill -s "$signal" "$pid"
    wait "$pid"
    status=$?
    expected=$((128 + $(kill -l "$signal")))
    [[ $status -eq $expected ]] || fail "$signal: exit status $status, expected $expected"
    [[ "$(cat "$dir/out")" == "start" ]] || fail "$signal: stdout is $(cat "$dir/out")"
    grep -qxF "tasklens run: stopped by SIG$signal; the trace is complete up to this point" "$dir/err" ||
        fail "$signal: stderr is $(cat "$dir/err")"
    lines=$(wc -l <"$dir/t.jsonl")
    ((lines >= 20)) || fail "$signal: the trace has $lines lines"
    [[ "$(tail -c 1 "$dir/t.jsonl" | od -An -c | tr -d ' ')" == '\n' ]] ||
        fail "$signal: the trace does not end with a complete line"
    echo "ok SIG$signal: status $status, trace $lines lines"
done

# SIGKILL: nothing can be closed, but stdout (a file, as a pipe would be) already has "start" and
# the trace has its header and the events of the first 100 ms.
rm -f "$dir/out" "$dir/err" "$dir/t.jsonl"
(cd "$dir" && exec "$tasklens" run loop.exs --trace t.jsonl >out 2>err) &
pid=$!
wait_started || fail "KILL: the run never printed start"
sleep 1
kill -s KILL "$pid"
wait "$pid"
[[ "$(cat "$dir/out")" == "start" ]] || fail "KILL: stdout is $(cat "$dir/out")"
lines=$(wc -l <"$dir/t.jsonl")
((lines >= 20)) || fail "KILL: the trace has $lines complete lines"
head -n 1 "$dir/t.jsonl" | grep -q '"format":"tasklens-trace"' || fail "KILL: no trace header"
echo "ok SIGKILL: trace $lines complete lines"

[[ $failures -eq 0 ]] && echo "PASS signals"
exit $failures
