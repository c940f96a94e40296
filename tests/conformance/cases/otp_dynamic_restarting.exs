# A DynamicSupervisor child whose restart fails stays in the :restarting state: which_children
# and count_children show it, it counts against max_children, and terminate_child removes it.
Logger.configure(level: :emergency)

defmodule Gate do
  def start_link, do: Agent.start_link(fn -> :open end, name: __MODULE__)
  def open?, do: Agent.get(__MODULE__, & &1) == :open
  def close, do: Agent.update(__MODULE__, fn _ -> :closed end)
end

defmodule Worker do
  use GenServer
  def start_link(arg), do: GenServer.start_link(__MODULE__, arg)

  def init(arg) do
    Process.sleep(50)
    if Gate.open?(), do: {:ok, arg}, else: {:stop, :gate_closed}
  end
end

{:ok, _} = Gate.start_link()
{:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 1, max_restarts: 50)
{:ok, pid} = DynamicSupervisor.start_child(sup, %{id: Worker, start: {Worker, :start_link, [:a]}})
IO.inspect(DynamicSupervisor.count_children(sup), label: "running")
Gate.close()
Process.exit(pid, :kill)
Process.sleep(10)
[{:undefined, state, :worker, [Worker]}] = DynamicSupervisor.which_children(sup)
IO.inspect(state, label: "which_children")
IO.inspect(DynamicSupervisor.count_children(sup), label: "count_children")
IO.inspect(DynamicSupervisor.start_child(sup, {Worker, :b}), label: "start_child at max_children")
IO.inspect(DynamicSupervisor.terminate_child(sup, pid), label: "terminate_child")
IO.inspect(DynamicSupervisor.which_children(sup), label: "after terminate")
IO.inspect(DynamicSupervisor.count_children(sup), label: "count after terminate")
IO.inspect(DynamicSupervisor.terminate_child(sup, pid), label: "terminate again")
Agent.update(Gate, fn _ -> :open end)
{:ok, fresh} = DynamicSupervisor.start_child(sup, {Worker, :c})
IO.inspect(DynamicSupervisor.which_children(sup) == [{:undefined, fresh, :worker, [Worker]}], label: "fresh child listed")
IO.inspect(Process.alive?(sup), label: "supervisor alive")
