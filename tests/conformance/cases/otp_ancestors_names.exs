# $ancestors holds a parent's registered name when it has one, its pid otherwise, for children
# of Task.Supervisor, Supervisor, DynamicSupervisor, GenServer, Agent and Task.
defmodule Show do
  def ancestors(label, pid_of) do
    me = self()
    Process.get(:"$ancestors")
    |> Enum.map(fn
      ^me -> :self
      a when is_atom(a) -> a
      p when is_pid(p) -> Map.get(pid_of, p, :unnamed_pid)
    end)
    |> then(&IO.puts("#{label}: #{inspect(&1)}"))
  end
end

defmodule Probe do
  use GenServer
  def start_link({label, pid_of, opts}), do: GenServer.start_link(__MODULE__, {label, pid_of}, opts)
  def init({label, pid_of}) do
    Show.ancestors(label, Map.put(pid_of, self(), :self))
    {:ok, nil}
  end
end

main = self()
pid_of = %{main => :main}

{:ok, named_ts} = Task.Supervisor.start_link(name: Named.TaskSup)
{:ok, anon_ts} = Task.Supervisor.start_link()
pid_of = Map.merge(pid_of, %{named_ts => :named_ts_pid, anon_ts => :anon_ts_pid})

Task.Supervisor.async(Named.TaskSup, fn -> Show.ancestors("task under named Task.Supervisor", pid_of) end) |> Task.await()
Task.Supervisor.async(anon_ts, fn -> Show.ancestors("task under unnamed Task.Supervisor", pid_of) end) |> Task.await()
Task.Supervisor.async_nolink(Named.TaskSup, fn -> Show.ancestors("async_nolink under named", pid_of) end) |> Task.await()
{:ok, _} = Task.Supervisor.start_child(Named.TaskSup, fn -> Show.ancestors("start_child under named", pid_of); send(main, :done) end)
receive do: (:done -> :ok)
Task.async(fn -> Show.ancestors("Task.async from main", pid_of) end) |> Task.await()

{:ok, sup} = Supervisor.start_link([{Probe, {"GenServer under named Supervisor", pid_of, []}}], strategy: :one_for_one, name: Named.Sup)
{:ok, sup2} = Supervisor.start_link([{Probe, {"GenServer under unnamed Supervisor", pid_of, []}}], strategy: :one_for_one)
{:ok, dyn} = DynamicSupervisor.start_link(name: Named.Dyn)
{:ok, _} = DynamicSupervisor.start_child(Named.Dyn, {Probe, {"GenServer under named DynamicSupervisor", pid_of, []}})

{:ok, named_gs} = Probe.start_link({"named GenServer from main", pid_of, [name: Named.GS]})
{:ok, agent} = Agent.start_link(fn -> Show.ancestors("Agent from main", pid_of) end, name: Named.Agent)
{:ok, _} = GenServer.start_link(Probe, {"GenServer from main", pid_of})

defmodule Starter do
  use GenServer
  def init(pid_of) do
    {:ok, _} = Agent.start_link(fn -> Show.ancestors("Agent started by named GenServer", pid_of) end)
    t = Task.async(fn -> Show.ancestors("Task.async from named GenServer", pid_of) end)
    Task.await(t)
    {:ok, nil}
  end
end
{:ok, _} = GenServer.start_link(Starter, pid_of, name: Named.Starter)
_ = {sup, sup2, dyn, named_gs, agent}
