# The cost of recording a real program: 100,000 tasks started with Task.async and awaited with
# Task.await_many. Run it plain (`elixir`) and recorded (`tasklens record`) and compare the CPU time
# of the whole OS process (bench/beam/tracer_overhead.sh does both).
tasks = for i <- 1..100_000, do: Task.async(fn -> i * 2 end)
sum = tasks |> Task.await_many(60_000) |> Enum.sum()
IO.puts("checksum #{sum}")
