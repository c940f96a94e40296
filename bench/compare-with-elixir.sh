#!/usr/bin/env bash
# Runs every bench/scripts/*.exs under `elixir` and under `tasklens run` (recording off, and on
# with --trace to /dev/null) in one sitting, checks that the checksums agree, and prints wall
# time, CPU time (user + system) and max RSS as ratios to elixir's, both end to end and with
# elixir's start-up (`elixir -e :ok`, measured here) subtracted from elixir's figures.
#
#   bench/compare-with-elixir.sh [path/to/tasklens] [script.exs ...]
#
# Needs Elixir (Debian package `elixir`) and GNU time (`time`). Not part of .ci/run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
tasklens="${1:-$here/../build/dev/app/tasklens}"
shift || true
scripts=("$@")
if [ ${#scripts[@]} -eq 0 ]; then scripts=("$here"/scripts/*.exs); fi

command -v elixir >/dev/null || { echo "compare-with-elixir: elixir is not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "compare-with-elixir: GNU time (/usr/bin/time) is not installed" >&2; exit 2; }
[ -x "$tasklens" ] || { echo "compare-with-elixir: no tasklens executable at $tasklens" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# measure CMD...: runs CMD, leaves its stdout in $tmp/out and "wall cpu rss_kb" in $tmp/m.
measure() {
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err" || {
        echo "compare-with-elixir: failed: $*" >&2
        cat "$tmp/err" >&2
        return 1
    }
    awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }' "$tmp/t" >"$tmp/m"
}

checksum() { grep -m1 '^checksum' "$tmp/out" || echo "no checksum"; }

measure elixir -e :ok
read -r boot_wall boot_cpu boot_rss <"$tmp/m"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "elixir start-up (elixir -e :ok): wall ${boot_wall} s, CPU ${boot_cpu} s, max RSS $((boot_rss / 1024)) MB"
echo
printf '| %-22s | %-8s | %8s | %8s | %8s | %7s | %7s | %7s | %9s | %9s | %7s |\n' \
    script run wall_s cpu_s rss_mb "wall×" "cpu×" "rss×" "wall×-boot" "cpu×-boot" match
printf '|%s|\n' "------------------------|----------|----------|----------|----------|---------|---------|---------|-----------|-----------|---------"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "-"; else printf "%.2f", a / b }'; }

status=0
for script in "${scripts[@]}"; do
    name="$(basename "$script" .exs)"
    measure elixir "$script"
    read -r e_wall e_cpu e_rss <"$tmp/m"
    e_sum="$(checksum)"
    e_wall_net=$(awk -v a="$e_wall" -v b="$boot_wall" 'BEGIN { print (a - b > 0.001 ? a - b : 0.001) }')
    e_cpu_net=$(awk -v a="$e_cpu" -v b="$boot_cpu" 'BEGIN { print (a - b > 0.001 ? a - b : 0.001) }')
    printf '| %-22s | %-8s | %8s | %8s | %8d | %7s | %7s | %7s | %9s | %9s | %7s |\n' \
        "$name" elixir "$e_wall" "$e_cpu" $((e_rss / 1024)) 1 1 1 - - -
    for mode in off on; do
        if [ "$mode" = off ]; then
            measure "$tasklens" run "$script" || { status=1; continue; }
        else
            measure "$tasklens" run --trace /dev/null "$script" || { status=1; continue; }
        fi
        read -r t_wall t_cpu t_rss <"$tmp/m"
        t_sum="$(checksum)"
        match=yes
        if [ "$t_sum" != "$e_sum" ]; then match=NO; status=1; fi
        printf '| %-22s | %-8s | %8s | %8s | %8d | %7s | %7s | %7s | %9s | %9s | %7s |\n' \
            "$name" "rec $mode" "$t_wall" "$t_cpu" $((t_rss / 1024)) \
            "$(ratio "$t_wall" "$e_wall")" "$(ratio "$t_cpu" "$e_cpu")" "$(ratio "$t_rss" "$e_rss")" \
            "$(ratio "$t_wall" "$e_wall_net")" "$(ratio "$t_cpu" "$e_cpu_net")" "$match"
    done
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
