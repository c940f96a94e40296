# Supervisor: permanent, transient and temporary children after normal and abnormal exits
Logger.configure(level: :none)
defmodule Runner do
  def start_link(id, how) do
    pid = spawn_link(fn ->
      receive do
        :stop -> if how == :normal, do: :ok, else: exit(how)
      end
    end)
    Process.register(pid, id)
    {:ok, pid}
  end
end
spec = fn id, restart, how -> %{id: id, start: {Runner, :start_link, [id, how]}, restart: restart} end
children = [
  spec.(:perm_normal, :permanent, :normal),
  spec.(:perm_crash, :permanent, :crash),
  spec.(:trans_normal, :transient, :normal),
  spec.(:trans_crash, :transient, :crash),
  spec.(:temp_normal, :temporary, :normal),
  spec.(:temp_crash, :temporary, :crash)
]
{:ok, sup} = Supervisor.start_link(children, strategy: :one_for_one, max_restarts: 10)
for {id, _, _, _} <- Supervisor.which_children(sup) |> Enum.reverse(), do: send(id, :stop)
Process.sleep(100)
Supervisor.which_children(sup)
|> Enum.map(fn {id, pid, _, _} -> {id, is_pid(pid)} end)
|> Enum.sort()
|> IO.inspect(label: "children with a running pid")
