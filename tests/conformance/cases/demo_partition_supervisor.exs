# PartitionSupervisor: four Task.Supervisors share the work, each job routed to one by its key
# One Task.Supervisor can become a bottleneck; a PartitionSupervisor starts one per partition
# (here 4) and routes each call by a key. An integer key goes to partition rem(key, 4), so jobs
# with the same key always land on the same supervisor. Each job reports which one ran it.
{:ok, _} =
  Supervisor.start_link(
    [{PartitionSupervisor, child_spec: Task.Supervisor, name: Jobs.Partitions, partitions: 4}],
    strategy: :one_for_one,
    name: Jobs.Root
  )

partition_of =
  for {id, pid, _type, _modules} <- PartitionSupervisor.which_children(Jobs.Partitions), into: %{} do
    {pid, id}
  end

IO.inspect(PartitionSupervisor.partitions(Jobs.Partitions), label: "partitions")

tasks =
  for key <- [7, 2, 12, 5, 3, 8] do
    Task.Supervisor.async({:via, PartitionSupervisor, {Jobs.Partitions, key}}, fn ->
      Process.sleep(300 + 100 * key)
      supervisor = hd(Process.get(:"$ancestors"))
      "job #{key} ran under partition #{Map.fetch!(partition_of, supervisor)}"
    end)
  end

tasks |> Task.await_many() |> Enum.each(&IO.puts/1)
