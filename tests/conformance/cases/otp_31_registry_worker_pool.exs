defmodule Worker do
  use GenServer
  def start_link(id), do: GenServer.start_link(__MODULE__, id, name: {:via, Registry, {Pool.Registry, {:worker, id}, %{started: id}}})
  def init(id) do
    {:ok, _} = Registry.register(Pool.Group, :workers, id)
    {:ok, %{id: id, jobs: 0}}
  end
  def handle_call({:job, x}, _from, s), do: {:reply, {s.id, x * x}, %{s | jobs: s.jobs + 1}}
  def handle_call(:jobs, _from, s), do: {:reply, s.jobs, s}
  def handle_info({:ping, _}, s), do: {:noreply, s}
end

children = [
  {Registry, keys: :unique, name: Pool.Registry},
  Supervisor.child_spec({Registry, keys: :duplicate, name: Pool.Group, partitions: 2}, id: :group),
] ++ for id <- 1..3, do: Supervisor.child_spec({Worker, id}, id: {:worker, id})
{:ok, sup} = Supervisor.start_link(children, strategy: :one_for_one)
IO.inspect Supervisor.count_children(sup)

workers = Registry.lookup(Pool.Group, :workers) |> Enum.map(&elem(&1, 1)) |> Enum.sort()
IO.inspect workers
results = for x <- 1..6 do
  id = rem(x, 3) + 1
  GenServer.call({:via, Registry, {Pool.Registry, {:worker, id}}}, {:job, x})
end
IO.inspect results
IO.inspect Registry.lookup(Pool.Registry, {:worker, 2}) |> Enum.map(&elem(&1, 1))
Registry.dispatch(Pool.Group, :workers, fn entries ->
  for {pid, id} <- entries, do: send(pid, {:ping, id})
end)
IO.inspect Registry.count(Pool.Registry)
[{pid, _}] = Registry.lookup(Pool.Registry, {:worker, 1})
Process.exit(pid, :kill)
Process.sleep(10)
IO.inspect Registry.lookup(Pool.Registry, {:worker, 1}) |> length()
IO.inspect GenServer.call({:via, Registry, {Pool.Registry, {:worker, 1}}}, :jobs)
IO.inspect Registry.count_match(Pool.Group, :workers, :_)
IO.inspect GenServer.whereis({:via, Registry, {Pool.Registry, {:worker, 9}}})
try do
  GenServer.call({:via, Registry, {Pool.Registry, {:worker, 9}}}, :jobs)
catch :exit, r -> IO.inspect r
end
defmodule Collect do
  def entries(entries, parent), do: send(parent, {:batch, Enum.map(entries, &elem(&1, 1))})
end
IO.inspect Registry.dispatch(Pool.Group, :workers, {Collect, :entries, [self()]})
ids = Stream.repeatedly(fn -> receive do {:batch, ids} -> ids after 0 -> nil end end) |> Enum.take_while(& &1) |> Enum.concat() |> Enum.sort()
IO.inspect ids
