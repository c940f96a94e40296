#!/usr/bin/env bash
# CPU time and max RSS of bench/beam/tracer_overhead.exs under `elixir` and under `tasklens record`
# (the tracer on), in one sitting; prints the ratio. Needs elixir. Not part of CI.
#   tracer_overhead.sh TASKLENS
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
measure() { /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" >"$work/out" 2>/dev/null; awk '{printf "%.2f %d\n", $1 + $2, $3}' "$work/time"; }
read -r plain_cpu plain_rss < <(measure elixir "$here/tracer_overhead.exs")
read -r traced_cpu traced_rss < <(measure "$bin" record "$here/tracer_overhead.exs" --trace "$work/trace.jsonl")
events=$(($(wc -l <"$work/trace.jsonl") - 1))
echo "untraced: ${plain_cpu} s CPU, ${plain_rss} KB max RSS"
echo "recorded: ${traced_cpu} s CPU, ${traced_rss} KB max RSS, ${events} events"
awk -v a="$plain_cpu" -v b="$traced_cpu" 'BEGIN { printf "CPU ratio recorded/untraced: %.2f\n", b / a }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
