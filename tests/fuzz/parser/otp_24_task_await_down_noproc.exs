# Task: awaiting a task whose reply was already consumed exits with a timeout; catching it
task = Task.async(fn -> :value end)
IO.inspect(Task.await(task))
result = try do
  Task.await(task, 200)
catch
  :exit, {:timeout, {Task, :await, [_, 200]}} -> :timeout_after_reply_taken
end
IO.inspect(result)
