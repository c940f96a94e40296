#!/usr/bin/env bash
# Do two tasklens binaries write the same traces? Runs every conformance case
# (tests/conformance/cases) and bundled scenario (resources/scenarios) with
# `run --trace` under both and compares the traces after their header line (which names
# the binary's version and the time). For changes to recording that must keep the
# trace format byte for byte.
#
#   compare-traces.sh BASELINE_TASKLENS NEW_TASKLENS [EXTRA.exs ...]
#
# Prints "DIFF NAME" for each trace that differs (and "ERR NAME" if a binary produced no
# trace), then "N identical, M different". Exit status: 0 when all are identical.
set -u
[ $# -ge 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
base="$1"; new="$2"; shift 2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
same=0; diff=0
for exs in "$root"/tests/conformance/cases/*.exs "$root"/resources/scenarios/*.exs "$@"; do
  name="$(basename "$exs" .exs)"
  dir="$(dirname "$exs")"
  for side in base new; do
    bin="$base"; [ "$side" = new ] && bin="$new"
    (cd "$dir" && timeout 120 "$bin" run "$(basename "$exs")" --trace "$work/$side.jsonl" \
       >/dev/null 2>&1 </dev/null)
  done
  if [ ! -s "$work/base.jsonl" ] || [ ! -s "$work/new.jsonl" ]; then
    echo "ERR $name"; diff=$((diff + 1))
  elif cmp -s <(tail -n +2 "$work/base.jsonl") <(tail -n +2 "$work/new.jsonl"); then
    same=$((same + 1))
  else
    echo "DIFF $name"; diff=$((diff + 1))
  fi
  rm -f "$work/base.jsonl" "$work/new.jsonl"
done
echo "$same identical, $diff different"
[ "$diff" -eq 0 ]
