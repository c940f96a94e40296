# Task.async and Task.await: a task slower than await's 5 s default timeout crashes the caller
# The fast task answers after 1 second. The slow one needs 7 seconds, so the second Task.await
# gives up at its 5 second deadline and the script exits with {:timeout, {Task, :await, ...}}.
# On the timeline the await window of the main process ends in a red hourglass.
IO.puts("starting a fast task (1 s) and a slow task (7 s)")
fast = Task.async(fn -> Process.sleep(1_000); :fast end)
slow = Task.async(fn -> Process.sleep(7_000); :slow end)

IO.inspect(Task.await(fast), label: "fast")
IO.puts("awaiting the slow task with the default 5 s timeout...")
IO.inspect(Task.await(slow), label: "slow")
IO.puts("never printed: the await above exits the caller")
