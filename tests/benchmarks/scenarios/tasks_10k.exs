# 10,000 tasks under a Task.Supervisor, each sleeping a pseudo-random 1..97 ms; 5 of them crash.
# The scale test input of issue 13: its timeline and tree must show the crashes and how many
# tasks were alive, running and waiting over time.
Logger.configure(level: :none)
{:ok, sup} = Task.Supervisor.start_link()

tasks =
  for i <- 1..10_000 do
    Task.Supervisor.async_nolink(sup, fn ->
      Process.sleep(rem(i * 7919, 97) + 1)
      if rem(i, 2_000) == 0, do: raise("task #{i} failed")
      i
    end)
  end

results = Task.yield_many(tasks, 10_000)
ok = Enum.count(results, fn {_, r} -> match?({:ok, _}, r) end)
crashed = Enum.count(results, fn {_, r} -> match?({:exit, _}, r) end)
IO.puts("#{ok} ok, #{crashed} crashed")
