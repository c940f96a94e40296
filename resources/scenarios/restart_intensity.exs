# Tasklens demo: a permanent child that keeps crashing. After max_restarts (3) within
# max_seconds (5) the supervisor gives up and exits with :shutdown.
Logger.configure(level: :none)
Process.flag(:trap_exit, true)

defmodule Flaky do
  use Task, restart: :permanent
  def start_link(delay), do: Task.start_link(fn -> Process.sleep(delay); exit(:flaked) end)
end

{:ok, sup} = Supervisor.start_link([{Flaky, 300}], strategy: :one_for_one, max_restarts: 3, max_seconds: 5)

receive do
  {:EXIT, ^sup, reason} -> IO.inspect(reason, label: "supervisor gave up")
end
