# Supervisor: exceeding max_restarts in max_seconds makes the supervisor exit with :shutdown
Logger.configure(level: :none)
Process.flag(:trap_exit, true)
defmodule Crashy do
  def start_link do
    {:ok, spawn_link(fn -> Process.sleep(10); exit(:crash) end)}
  end
end
{:ok, sup} = Supervisor.start_link([%{id: :crashy, start: {Crashy, :start_link, []}}], strategy: :one_for_one, max_restarts: 3, max_seconds: 5)
receive do
  {:EXIT, ^sup, reason} -> IO.inspect(reason, label: "supervisor exited")
after
  5000 -> IO.puts("supervisor still alive")
end
