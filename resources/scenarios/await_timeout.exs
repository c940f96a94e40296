# Tasklens demo: Task.await has a 5 second default timeout. The second task takes 7 seconds,
# so the caller exits with {:timeout, {Task, :await, ...}} — see the await window end at its deadline.
fast = Task.async(fn -> Process.sleep(1_000); :fast end)
slow = Task.async(fn -> Process.sleep(7_000); :slow end)
IO.inspect(Task.await(fast), label: "fast")
IO.inspect(Task.await(slow), label: "slow")
