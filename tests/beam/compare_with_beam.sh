#!/usr/bin/env bash
# compare_one.sh over a folder of scenarios: one line per scenario and a closing
# "N equal, N different" line (known differences honoured, see known-differences.txt).
#   compare_with_beam.sh TASKLENS SCENARIO_DIR [KNOWN_DIFFERENCES_FILE]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$1"
dir="$2"
known="${3:-$here/known-differences.txt}"
equal=0
different=0
for scenario in "$dir"/*.exs; do
    name="$(basename "$scenario" .exs)"
    if output="$(bash "$here/compare_one.sh" "$bin" "$scenario" "$known" 2>&1)"; then
        echo "ok   $name$(grep -q '^known difference' <<<"$output" && echo ' (known differences)')"
        equal=$((equal + 1))
    else
        echo "FAIL $name:"
        sed 's/^/     /' <<<"$output" | head -12
        different=$((different + 1))
    fi
done
echo "$equal equal, $different different"
[ "$different" -eq 0 ]
