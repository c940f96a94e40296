#!/usr/bin/env bash
# One scenario, engine vs BEAM: runs it on the engine (tasklens run --trace) and records it on the
# real BEAM (tasklens record, which needs `elixir`), then holds the traces against each other with
# `tasklens compare`, honouring the known-differences file. Exit status is compare's (0 equal).
#   compare_one.sh TASKLENS SCENARIO.exs KNOWN_DIFFERENCES_FILE
# The scenario runs from its own folder under its plain name, as `elixir NAME.exs` would, so that
# file names in stack traces agree.
set -uo pipefail
bin="$1"
scenario="$2"
known="$3"
dir="$(cd "$(dirname "$scenario")" && pwd)"
file="$(basename "$scenario")"
name="${file%.exs}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$dir" && timeout 60 "$bin" run "$file" --trace "$work/engine.jsonl" >/dev/null 2>&1)
record_and_compare() {
    (cd "$dir" && timeout 60 "$bin" record "$file" --trace "$work/beam.jsonl" >/dev/null 2>"$work/record.err")
    if [ ! -s "$work/beam.jsonl" ]; then
        echo "FAIL $name: the BEAM recording is empty"
        cat "$work/record.err"
        return 1
    fi
    "$bin" compare --known-differences "$known" --scenario "$name" "$work/engine.jsonl" "$work/beam.jsonl"
}
# A real run's timing depends on the machine's load: a task that sleeps 100 ms can lose to one
# that sleeps 300 ms on a busy machine. A difference must show in two recordings to count.
if ! record_and_compare >"$work/first.out" 2>&1; then
    echo "(first recording differed; recording again)"
    record_and_compare
    exit $?
fi
cat "$work/first.out"
