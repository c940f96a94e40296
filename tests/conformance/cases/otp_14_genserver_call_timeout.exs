# GenServer: a call that is not answered in time exits the caller, which can catch it
defmodule Slow do
  use GenServer
  def init(s), do: {:ok, s}
  def handle_call(:slow, _from, s) do
    Process.sleep(2000)
    {:reply, :late, s}
  end
  def handle_call(:fast, _from, s), do: {:reply, :quick, s}
end
{:ok, pid} = GenServer.start_link(Slow, nil)
IO.inspect(GenServer.call(pid, :fast))
result = try do
  GenServer.call(pid, :slow, 500)
catch
  :exit, {:timeout, {GenServer, :call, [_, :slow, 500]}} -> :timed_out
end
IO.inspect(result)
Process.sleep(2000)
IO.inspect(GenServer.call(pid, :fast))
