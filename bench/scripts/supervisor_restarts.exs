# 10k restarts of a supervised child that is killed again and again.
defmodule Worker do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: Worker)
  def init(:ok), do: {:ok, 0}
end
{:ok, sup} = Supervisor.start_link([Worker], strategy: :one_for_one, max_restarts: 1_000_000, max_seconds: 1)
restarts =
  Enum.reduce(1..10_000, 0, fn _, acc ->
    pid = Process.whereis(Worker)
    ref = Process.monitor(pid)
    Process.exit(pid, :kill)
    receive do {:DOWN, ^ref, _, _, _} -> :ok end
    wait = fn wait -> if Process.whereis(Worker) in [nil, pid], do: (Process.sleep(0); wait.(wait)), else: :ok end
    wait.(wait)
    acc + 1
  end)
Supervisor.stop(sup)
IO.puts("checksum #{restarts}")
