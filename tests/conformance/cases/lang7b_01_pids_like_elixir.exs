# Pids: the script is #PID<0.96.0>; spawns, modules (Elixir's compiler takes three pids each, four for the first), OTP starts number as on the BEAM
IO.inspect(self())
IO.inspect(spawn(fn -> :ok end))
IO.inspect(spawn(fn -> :ok end))
defmodule A do
  def f, do: 1
end
IO.inspect(spawn(fn -> :ok end))
defmodule B do
  use GenServer
  def init(x), do: {:ok, x}
  defmodule Inner do
    def g, do: 2
  end
end
IO.inspect(spawn(fn -> :ok end))
{:ok, p} = GenServer.start(B, 1)
IO.inspect(p)
{:ok, p} = Task.Supervisor.start_link()
IO.inspect(p)
{:ok, p} = Supervisor.start_link([], strategy: :one_for_one)
IO.inspect(p)
{:ok, p} = Agent.start(fn -> 1 end)
IO.inspect(p)
{:ok, p} = Registry.start_link(keys: :unique, name: R)
IO.inspect(p)
IO.inspect(Task.async(fn -> 1 end).pid)
IO.inspect(spawn(fn -> :ok end))
