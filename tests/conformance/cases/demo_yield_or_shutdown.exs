# Task.yield polls a task without giving up on it; yield || shutdown gives up cleanly
# A report task takes 2.1 s: the caller polls it every 600 ms and keeps working in between.
# Then the idiom from the Task docs, `Task.yield(task, t) || Task.shutdown(task)`, gets a fast
# result in time and shuts a slow task down, so no process is left behind.
defmodule Poller do
  def poll(task, round) do
    case Task.yield(task, 600) do
      {:ok, result} ->
        IO.puts("poll #{round}: got #{inspect(result)}")

      nil ->
        IO.puts("poll #{round}: not yet, doing other work")
        poll(task, round + 1)
    end
  end

  def within(task, timeout) do
    case Task.yield(task, timeout) || Task.shutdown(task) do
      {:ok, result} -> {:ok, result}
      nil -> {:gave_up_after_ms, timeout}
    end
  end
end

report = Task.async(fn -> Process.sleep(2_100); :report_ready end)
Poller.poll(report, 1)

fast = Task.async(fn -> Process.sleep(300); :fast_result end)
IO.inspect(Poller.within(fast, 1_000), label: "fast task")

slow = Task.async(fn -> Process.sleep(5_000); :slow_result end)
IO.inspect(Poller.within(slow, 1_000), label: "slow task")
IO.inspect(Process.alive?(slow.pid), label: "slow task still alive")
