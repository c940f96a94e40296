# Task: await_many exits the caller when a task does not answer in time (exit status 1)
tasks = [Task.async(fn -> :fast end), Task.async(fn -> Process.sleep(2000) end)]
IO.puts("awaiting")
Task.await_many(tasks, 1000)
IO.puts("never printed")
