# GenServer: terminate/2 runs when a trapping server gets an exit signal from its parent
defmodule Cleaner do
  use GenServer
  def init(_) do
    Process.flag(:trap_exit, true)
    {:ok, nil}
  end
  def terminate(reason, _), do: IO.inspect(reason, label: "terminate")
end
parent = spawn(fn ->
  {:ok, _pid} = GenServer.start_link(Cleaner, nil, name: Cleaner)
  Process.sleep(:infinity)
end)
Process.sleep(100)
Process.exit(parent, :shutdown)
Process.sleep(100)
IO.inspect(Process.whereis(Cleaner), label: "server after parent shutdown")
