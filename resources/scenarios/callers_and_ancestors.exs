# Tasklens demo: a task has two lineages. `$ancestors` says who supervises it,
# `$callers` says who asked for it. Select the innermost task and open the lineage view.
{:ok, _} = Task.Supervisor.start_link(name: Lineage.TaskSupervisor)

outer =
  Task.Supervisor.async(Lineage.TaskSupervisor, fn ->
    inner = Task.async(fn ->
      Process.sleep(500)
      {length(Process.get(:"$callers")), length(Process.get(:"$ancestors"))}
    end)

    Task.await(inner)
  end)

{callers, ancestors} = Task.await(outer)
IO.puts("the inner task has #{callers} callers and #{ancestors} ancestors")
