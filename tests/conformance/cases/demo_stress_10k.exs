# Stress run: 10,000 tasks alive at once, finishing over 3 seconds, gathered with await_many
# Every task sleeps between 0 and 3 s (spread by a multiplicative hash of its index), then
# returns its index modulo 7. The main process awaits all of them in task order. Use it to see
# how the tree, the timeline and the load chart cope with many short-lived processes.
count = 10_000
IO.puts("starting #{count} tasks")

tasks =
  for i <- 1..count do
    Task.async(fn ->
      Process.sleep(rem(i * 7_919, 3_000))
      rem(i, 7)
    end)
  end

IO.puts("all started, awaiting them")
results = Task.await_many(tasks, 30_000)
IO.inspect(length(results), label: "results")
IO.inspect(Enum.sum(results), label: "sum of i mod 7")
IO.inspect(Enum.frequencies(results), label: "frequencies")
