# 100,000 fire-and-forget tasks under a Task.Supervisor (Task.Supervisor.start_child), each
# sleeping a pseudo-random 1..997 ms, 50 of them crashing; the caller sends every 10th one a
# message. About 2M events: the budget scenario of tasklens-bench (docs/performance.md).
Logger.configure(level: :none)
{:ok, sup} = Task.Supervisor.start_link()

for i <- 1..100_000 do
  {:ok, pid} =
    Task.Supervisor.start_child(sup, fn ->
      Process.sleep(rem(i * 7919, 997) + 1)
      if rem(i, 2_000) == 0, do: raise("task #{i} failed")
      receive do
        :go -> :ok
      after
        0 -> :ok
      end
    end)

  if rem(i, 10) == 0, do: send(pid, :go)
end

Process.sleep(2_000)
IO.puts("done")
