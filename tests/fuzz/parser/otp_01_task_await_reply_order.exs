# Task: await returns results; tasks run concurrently, so three 1 s tasks take 1 s
{us, results} = :timer.tc(fn ->
  tasks = for i <- 1..3, do: Task.async(fn -> Process.sleep(1000); i * 10 end)
  Enum.map(tasks, &Task.await/1)
end)
IO.inspect(results)
IO.inspect(round(us / 1_000_000), label: "seconds")
