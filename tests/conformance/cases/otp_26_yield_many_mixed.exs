# Task: yield_many returns results in input order, nil for tasks still running
tasks = [
  Task.async(fn -> :fast end),
  Task.async(fn -> Process.sleep(5000); :slow end),
  Task.async(fn -> Process.sleep(100); :medium end)
]
results = Task.yield_many(tasks, 500)
IO.inspect(Enum.map(results, fn {_task, res} -> res end))
Enum.each(results, fn {task, nil} -> Task.shutdown(task, :brutal_kill); _ -> :ok end)
IO.puts("done")
