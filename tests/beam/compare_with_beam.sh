#!/usr/bin/env bash
# Runs each scenario twice — on the engine (tasklens run --trace) and on the real BEAM (tasklens
# record, which needs `elixir`) — and holds the two traces against each other with
# `tasklens compare`. Prints one line per scenario and a closing "N passed, N failed" line.
#   compare_with_beam.sh TASKLENS SCENARIO_DIR [KNOWN_DIFFERENCES_FILE]
# KNOWN_DIFFERENCES_FILE lists "NAME  reason" lines: those are expected to differ (and must).
set -uo pipefail
bin="$1"
dir="$2"
known="${3:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
for scenario in "$dir"/*.exs; do
    name="$(basename "$scenario" .exs)"
    expected_to_differ=0
    [ -n "$known" ] && grep -q "^$name[[:space:]]" "$known" && expected_to_differ=1
    (cd "$dir" && timeout 120 "$bin" run "$scenario" --trace "$work/$name.engine.jsonl" >/dev/null 2>&1)
    (cd "$dir" && timeout 120 "$bin" record "$scenario" --trace "$work/$name.beam.jsonl" >/dev/null 2>&1)
    if [ ! -s "$work/$name.beam.jsonl" ]; then
        echo "FAIL $name: the BEAM recording is empty"
        failed=$((failed + 1))
        continue
    fi
    "$bin" compare "$work/$name.engine.jsonl" "$work/$name.beam.jsonl" >"$work/$name.diff" 2>&1
    status=$?
    if [ "$status" -eq 0 ] && [ "$expected_to_differ" -eq 0 ]; then
        echo "ok   $name"
        passed=$((passed + 1))
    elif [ "$status" -eq 1 ] && [ "$expected_to_differ" -eq 1 ]; then
        echo "ok   $name (known difference)"
        passed=$((passed + 1))
    elif [ "$status" -eq 0 ]; then
        echo "FAIL $name: now equal; remove it from $(basename "$known")"
        failed=$((failed + 1))
    else
        echo "FAIL $name:"
        sed 's/^/     /' "$work/$name.diff" | head -12
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
