#!/usr/bin/env bash
# `tasklens run --seed N`: the same seed gives the same run, another seed moves the :rand
# sequences of processes that never seed, a seeded process ignores it, and the trace header
# records it.
#   seed.sh TASKLENS
set -u
tasklens="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cat >"$dir/rand.exs" <<'SCRIPT'
parent = self()
for i <- 1..3, do: spawn(fn -> send(parent, {i, :rand.uniform(1_000_000)}) end)
draws = for i <- 1..3, do: (receive do {^i, x} -> x end)
IO.inspect(draws, label: "unseeded")
:rand.seed(:exsss, {1, 2, 3})
IO.inspect(:rand.uniform(1_000_000), label: "seeded")
SCRIPT
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
run() { (cd "$dir" && "$tasklens" run rand.exs "$@" 2>&1); }

default="$(run)" || fail "default run failed: $default"
zero="$(run --seed 0)" || fail "--seed 0 failed: $zero"
a="$(run --seed 42 --trace t.jsonl)" || fail "--seed 42 failed: $a"
b="$(run --seed 42)" || fail "second --seed 42 failed: $b"
[[ "$default" == "$zero" ]] || fail "no --seed and --seed 0 differ: '$default' vs '$zero'"
[[ "$a" == "$b" ]] || fail "two runs with --seed 42 differ: '$a' vs '$b'"
[[ "$(grep unseeded <<<"$a")" != "$(grep unseeded <<<"$zero")" ]] ||
    fail "--seed 42 did not move the unseeded draws: $a"
[[ "$(grep '^seeded' <<<"$a")" == "$(grep '^seeded' <<<"$zero")" ]] ||
    fail "--seed changed a process that seeds itself: '$a' vs '$zero'"
head -n 1 "$dir/t.jsonl" | grep -q '"seed":42[,}]' || fail "trace header lacks \"seed\":42: $(head -c 300 "$dir/t.jsonl")"
[[ $failures -eq 0 ]] && echo "seed: all checks passed"
exit $((failures > 0))
