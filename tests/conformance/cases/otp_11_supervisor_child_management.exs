# Supervisor: terminate_child, restart_child, delete_child and start_child
defmodule Worker do
  use Agent
  def start_link(name), do: Agent.start_link(fn -> 0 end, name: name)
end
{:ok, sup} = Supervisor.start_link([Supervisor.child_spec({Worker, :w1}, id: :w1)], strategy: :one_for_one)
IO.inspect(Supervisor.terminate_child(sup, :w1), label: "terminate")
IO.inspect(Process.whereis(:w1), label: "after terminate")
{:ok, pid} = Supervisor.restart_child(sup, :w1)
IO.inspect(Process.whereis(:w1) == pid, label: "restarted")
IO.inspect(Supervisor.delete_child(sup, :w1), label: "delete running child")
:ok = Supervisor.terminate_child(sup, :w1)
IO.inspect(Supervisor.delete_child(sup, :w1), label: "delete stopped child")
IO.inspect(Supervisor.which_children(sup), label: "children")
{:ok, _} = Supervisor.start_child(sup, Supervisor.child_spec({Worker, :w2}, id: :w2))
IO.inspect(Supervisor.count_children(sup))
IO.inspect(Supervisor.terminate_child(sup, :nope), label: "unknown child")
