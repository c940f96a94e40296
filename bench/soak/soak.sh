#!/usr/bin/env bash
# The soak run (docs/robustness.md, "Soak"): runs supervisor_soak.exs under `tasklens run --trace`,
# samples the run's resident memory (VmRSS) each time the script prints "batch N", then checks
# the exact accounting from the trace with soak_check. Not part of .ci/run: 1M tasks take minutes
# and the trace takes gigabytes.
#
#   bench/soak/soak.sh [BUILD_DIR] [WORK_DIR]      (defaults: build/dev, a temporary directory)
#   SOAK_TASKS=100000 bench/soak/soak.sh           (a shorter soak)
#
# Prints the figures and leaves rss.tsv (batch, VmRSS kB, seconds since start), stdout.txt and
# the trace in WORK_DIR. Exit status: 0 if every book agrees and the resident memory at the last
# batch is within 10% of the first batch's, 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build/dev}"
work="${2:-$(mktemp -d)}"
tasklens="$build/app/tasklens"
checker="$build/bench/soak/soak_check"
for tool in "$tasklens" "$checker"; do
    [[ -x "$tool" ]] || { echo "soak: no $tool (build the tasklens and soak_check targets)" >&2; exit 2; }
done
mkdir -p "$work"
trace="$work/soak.jsonl"
rm -f "$trace" "$work/rss.tsv"

# The script with its size set (scenarios cannot read the environment).
script="$work/supervisor_soak.exs"
sed -e "s/^tasks = .*/tasks = ${SOAK_TASKS:-1_000_000}/" -e "s/^batch = .*/batch = ${SOAK_BATCH:-1_000}/" \
    "$here/supervisor_soak.exs" >"$script"

start=$(date +%s%N)
# Seconds since `start`, with one decimal.
elapsed() { local ms=$((($(date +%s%N) - $1) / 1000000)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
# The script's stdout goes through a pipe: each "batch N" line is read the moment it is printed
# (tasklens flushes every line), and the run's VmRSS is sampled right then.
coproc RUN { exec "$tasklens" run "$script" --trace "$trace" --max-wall infinity \
    2>"$work/stderr.txt"; }
pid=$RUN_PID
# bash unsets RUN when the coprocess exits: read through a copy of its output descriptor.
exec {run_out}<&"${RUN[0]}"
: >"$work/stdout.txt"
peak=0
while IFS= read -r line <&"$run_out"; do
    printf '%s\n' "$line" >>"$work/stdout.txt"
    if [[ "$line" == "batch "* ]]; then
        # A run that has just ended (a zombie) has no VmRSS line: 0, left out of the comparison.
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        rss=${rss:-0}
        ((rss > peak)) && peak=$rss
        printf '%s\t%s\t%s\n' "${line#batch }" "$rss" "$(elapsed "$start")" >>"$work/rss.tsv"
    fi
done
status=0
wait "$pid" || status=$?
wall=$(elapsed "$start")
if ((status != 0)); then
    echo "soak: tasklens run exited with status $status" >&2
    head -c 2000 "$work/stderr.txt" >&2
    exit 1
fi

first=$(head -n 1 "$work/rss.tsv" | cut -f2)
# The last sample taken while the run was still alive (it may end right after its last batch).
last=$(awk -F'\t' '$2 > 0' "$work/rss.tsv" | tail -n 1 | cut -f2)
batches=$(wc -l <"$work/rss.tsv")
echo "soak: $batches batches in $wall s of wall time"
echo "soak: trace $(du -h "$trace" | cut -f1), $(wc -l <"$trace") lines"
echo "soak: VmRSS at batch 1: $first kB, peak: $peak kB, at the last batch: $last kB"
fail=0
# Within 10% of where it started: the last sample against the first.
if ((last * 10 > first * 11)); then
    echo "soak: resident memory grew by more than 10% (from $first kB to $last kB)"
    fail=1
else
    echo "soak: resident memory at the end is within 10% of the start"
fi
check_start=$(date +%s%N)
"$checker" "$trace" "$work/stdout.txt" || fail=1
echo "soak: soak_check took $(elapsed "$check_start") s"
echo "soak: files in $work"
exit $fail
