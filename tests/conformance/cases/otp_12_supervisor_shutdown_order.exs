# Supervisor: children start in order and shut down in reverse order when the supervisor stops
defmodule Noisy do
  use GenServer
  def start_link(name), do: GenServer.start_link(__MODULE__, name, name: name)
  def init(name) do
    Process.flag(:trap_exit, true)
    IO.puts("start #{name}")
    {:ok, name}
  end
  def terminate(reason, name), do: IO.puts("stop #{name} (#{inspect(reason)})")
end
children = for n <- [:first, :second, :third], do: Supervisor.child_spec({Noisy, n}, id: n)
{:ok, sup} = Supervisor.start_link(children, strategy: :one_for_one)
Supervisor.stop(sup)
IO.puts("supervisor stopped")
