# Task: shutdown of a running task, of a finished one, and brutal_kill
slow = Task.async(fn -> Process.sleep(5000) end)
IO.inspect(Task.shutdown(slow), label: "running task")
fast = Task.async(fn -> :quick end)
Process.sleep(50)
IO.inspect(Task.shutdown(fast), label: "finished task")
other = Task.async(fn -> Process.sleep(5000) end)
IO.inspect(Task.shutdown(other, :brutal_kill), label: "brutal kill")
