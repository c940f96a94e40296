# Supervisor: one_for_one restarts only the crashed child
Logger.configure(level: :none)
defmodule Worker do
  use Agent
  def start_link(name), do: Agent.start_link(fn -> name end, name: name)
end
children = [
  %{id: :a, start: {Worker, :start_link, [:a]}},
  %{id: :b, start: {Worker, :start_link, [:b]}},
  %{id: :c, start: {Worker, :start_link, [:c]}}
]
{:ok, sup} = Supervisor.start_link(children, strategy: :one_for_one)
before = for n <- [:a, :b, :c], do: Process.whereis(n)
Process.exit(Process.whereis(:b), :kill)
Process.sleep(100)
after_ = for n <- [:a, :b, :c], do: Process.whereis(n)
IO.inspect(Enum.zip(before, after_) |> Enum.map(fn {x, y} -> x == y end), label: "unchanged")
IO.inspect(Supervisor.count_children(sup))
IO.inspect(Enum.map(Supervisor.which_children(sup), fn {id, _, type, mods} -> {id, type, mods} end))
