# DynamicSupervisor: start_child, max_children, which_children and terminate_child
defmodule Worker do
  use Agent
  def start_link(arg), do: Agent.start_link(fn -> arg end)
end
{:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 2)
{:ok, p1} = DynamicSupervisor.start_child(sup, {Worker, 1})
{:ok, _p2} = DynamicSupervisor.start_child(sup, {Worker, 2})
IO.inspect(DynamicSupervisor.start_child(sup, {Worker, 3}), label: "third child")
IO.inspect(DynamicSupervisor.count_children(sup))
IO.inspect(DynamicSupervisor.terminate_child(sup, p1), label: "terminate")
IO.inspect(DynamicSupervisor.terminate_child(sup, p1), label: "terminate again")
IO.inspect(length(DynamicSupervisor.which_children(sup)), label: "children left")
