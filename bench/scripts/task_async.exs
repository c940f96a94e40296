# Task.async x100k, then Task.await_many.
tasks = for i <- 1..100_000, do: Task.async(fn -> i * 2 end)
IO.puts("checksum #{Enum.sum(Task.await_many(tasks, :infinity))}")
