# Task.Supervisor: async_nolink crash is reported to the caller as {:exit, reason} and the caller survives
Logger.configure(level: :none)
{:ok, sup} = Task.Supervisor.start_link()
task = Task.Supervisor.async_nolink(sup, fn -> raise "kaboom" end)
case Task.yield(task, 1000) do
  {:exit, {%RuntimeError{message: msg}, _stack}} -> IO.puts("task failed: #{msg}")
  other -> IO.inspect(other)
end
ok = Task.Supervisor.async_nolink(sup, fn -> :fine end)
IO.inspect(Task.await(ok))
IO.puts("caller survived")
