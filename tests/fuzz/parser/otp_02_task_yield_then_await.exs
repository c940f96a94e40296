# Task: yield returns nil while running, {:ok, v} once done; a second yield after the reply is nil
task = Task.async(fn -> Process.sleep(300); :done end)
IO.inspect(Task.yield(task, 100))
IO.inspect(Task.yield(task, 500))
IO.inspect(Task.yield(task, 0))
