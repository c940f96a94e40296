# Task.Supervisor.start_child restart options: :temporary, :transient and :permanent
# Five fire-and-forget children of Jobs.TaskSupervisor, each started with a restart option and a
# script of how its runs end. A :temporary child is never restarted; a :transient one only after
# an abnormal exit; a :permanent one always. An Agent counts the runs of each child.
Logger.configure(level: :none)
{:ok, _} = Task.Supervisor.start_link(name: Jobs.TaskSupervisor)
{:ok, _} = Agent.start_link(fn -> %{} end, name: Runs)

job = fn name, endings ->
  fn ->
    run = Agent.get_and_update(Runs, fn runs -> {Map.get(runs, name, 0) + 1, Map.update(runs, name, 1, &(&1 + 1))} end)
    IO.puts("#{name}: run #{run}")
    Process.sleep(150)

    case Enum.at(endings, run - 1, List.last(endings)) do
      :normal -> :ok
      :forever -> Process.sleep(:infinity)
      reason -> exit(reason)
    end
  end
end

children = [
  {:temporary_crash, [], [:boom]},
  {:transient_crash, [restart: :transient], [:boom, :normal]},
  {:transient_normal, [restart: :transient], [:normal]},
  {:transient_shutdown, [restart: :transient], [{:shutdown, :done}]},
  {:permanent_normal, [restart: :permanent], [:normal, :forever]}
]

for {name, opts, endings} <- children do
  {:ok, _pid} = Task.Supervisor.start_child(Jobs.TaskSupervisor, job.(name, endings), opts)
  Process.sleep(500)
end

IO.inspect(Agent.get(Runs, & &1), label: "runs")
IO.inspect(length(Task.Supervisor.children(Jobs.TaskSupervisor)), label: "children still running")
