# The BEAM side of tasklens-bench's BM_ScriptFib25 (docs/performance.md, "Scenario language"):
# the same two-clause module function, compiled by elixir (JIT on OTP 25), timed inside the VM so
# start-up does not count. Three warm-up runs, then the CPU time of 200 runs
# (:erlang.statistics(:runtime)) and the best wall time of 50 (:timer.tc).
#   elixir bench/beam/fib25.exs
defmodule Fib do
  def fib(n) when n < 2, do: n
  def fib(n), do: fib(n - 1) + fib(n - 2)
end

for _ <- 1..3, do: 75025 = Fib.fib(25)
runs = 200
{_, _} = :erlang.statistics(:runtime)
for _ <- 1..runs, do: Fib.fib(25)
{_, cpu_ms} = :erlang.statistics(:runtime)
best_us = Enum.min(for _ <- 1..50, do: elem(:timer.tc(fn -> Fib.fib(25) end), 0))
IO.puts("fib(25) BEAM: #{Float.round(cpu_ms / runs, 3)} ms CPU per run, best wall #{Float.round(best_us / 1000, 3)} ms")
