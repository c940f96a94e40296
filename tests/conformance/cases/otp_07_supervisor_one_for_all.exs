# Supervisor: one_for_all restarts every child when one crashes
Logger.configure(level: :none)
defmodule Worker do
  use Agent
  def start_link(name), do: Agent.start_link(fn -> name end, name: name)
end
children = for n <- [:a, :b, :c], do: Supervisor.child_spec({Worker, n}, id: n)
{:ok, _sup} = Supervisor.start_link(children, strategy: :one_for_all)
before = for n <- [:a, :b, :c], do: Process.whereis(n)
Process.exit(Process.whereis(:b), :kill)
Process.sleep(100)
after_ = for n <- [:a, :b, :c], do: Process.whereis(n)
IO.inspect(Enum.zip(before, after_) |> Enum.map(fn {x, y} -> x == y end), label: "unchanged")
