# Task.yield_many with :on_timeout: leave, kill or ignore the tasks that missed the deadline
# expected output derived from the documentation (needs Elixir >= 1.15)
# Three tasks take 300 ms, 100 ms and 2 s; yield_many waits 1 s for all of them. Results come
# back in task order and the slow one is nil. With on_timeout: :nothing it keeps running and
# can still be awaited, :kill_task kills it, :ignore lets it run unlinked with nobody to answer.
start = fn label ->
  IO.puts("#{label}: starting three tasks")

  for ms <- [300, 100, 2_000] do
    Task.async(fn ->
      Process.sleep(ms)
      ms
    end)
  end
end

results = fn pairs -> Enum.map(pairs, fn {_task, result} -> result end) end
alive = fn tasks -> Enum.map(tasks, &Process.alive?(&1.pid)) end

tasks = start.("nothing")
IO.inspect(results.(Task.yield_many(tasks, timeout: 1_000)), label: "  results")
IO.inspect(alive.(tasks), label: "  alive")
IO.inspect(Task.await(List.last(tasks)), label: "  the slow task, awaited later")

tasks = start.("kill_task")
IO.inspect(results.(Task.yield_many(tasks, timeout: 1_000, on_timeout: :kill_task)), label: "  results")
Process.sleep(100)
IO.inspect(alive.(tasks), label: "  alive")

tasks = start.("ignore")
IO.inspect(results.(Task.yield_many(tasks, timeout: 1_000, on_timeout: :ignore)), label: "  results")
IO.inspect(alive.(tasks), label: "  alive")
Process.sleep(1_500)
IO.puts("the ignored task has finished on its own; its reply was dropped")
