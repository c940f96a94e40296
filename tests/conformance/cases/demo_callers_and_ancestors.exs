# $callers versus $ancestors: who asked for a task, and who supervises it
# The script asks Lineage.TaskSupervisor for an outer task, which starts an inner Task.async.
# $callers lists the processes the work was done for (the outer task, then the script);
# $ancestors lists the processes that started it (the outer task, the supervisor, the script).
# Select the inner task and open the lineage view to see both chains.
{:ok, _} = Task.Supervisor.start_link(name: Lineage.TaskSupervisor)
Process.register(self(), :script)

# An entry is a pid or, for a registered process, its name: say which process it is either way.
describe = fn entries ->
  Enum.map(entries, fn
    name when is_atom(name) -> inspect(name)
    pid ->
      cond do
        pid == Process.whereis(:script) -> ":script"
        pid == Process.whereis(Lineage.TaskSupervisor) -> "Lineage.TaskSupervisor"
        true -> "the outer task"
      end
  end)
end

outer =
  Task.Supervisor.async(Lineage.TaskSupervisor, fn ->
    Process.sleep(300)

    inner =
      Task.async(fn ->
        Process.sleep(700)
        {Process.get(:"$callers"), Process.get(:"$ancestors")}
      end)

    Task.await(inner)
  end)

{callers, ancestors} = Task.await(outer)
IO.puts("the inner task's $callers:   #{Enum.join(describe.(callers), ", ")}")
IO.puts("the inner task's $ancestors: #{Enum.join(describe.(ancestors), ", ")}")
