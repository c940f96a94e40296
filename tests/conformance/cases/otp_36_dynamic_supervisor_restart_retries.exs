defmodule Flaky do
  use GenServer, restart: :permanent
  def start_link(n), do: GenServer.start_link(__MODULE__, n)
  def init(n) do
    count = Agent.get_and_update(Counter, fn c -> {c, c + 1} end)
    if count >= 1 and count < 4, do: {:stop, :nope}, else: {:ok, n}
  end
end
{:ok, _} = Agent.start_link(fn -> 0 end, name: Counter)
{:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 1, max_restarts: 100, max_seconds: 1)
{:ok, pid} = DynamicSupervisor.start_child(sup, {Flaky, 1})
Process.exit(pid, :kill)
Process.sleep(50)
IO.inspect DynamicSupervisor.count_children(sup)
IO.inspect Agent.get(Counter, & &1)
IO.inspect DynamicSupervisor.start_child(sup, {Flaky, 2})
[{_, p2, _, _}] = DynamicSupervisor.which_children(sup)
IO.inspect DynamicSupervisor.terminate_child(sup, p2)
IO.inspect DynamicSupervisor.which_children(sup)
