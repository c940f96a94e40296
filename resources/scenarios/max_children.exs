# Task.Supervisor max_children: a full supervisor refuses new tasks until a slot frees up
# Pool.TaskSupervisor allows 2 children. While two long jobs run, async raises, and start_child
# returns {:error, :max_children}. Once the jobs are done there is room again.
{:ok, _} = Task.Supervisor.start_link(name: Pool.TaskSupervisor, max_children: 2)

job = fn name, ms ->
  fn ->
    Process.sleep(ms)
    IO.puts("#{name} finished")
    name
  end
end

first = Task.Supervisor.async(Pool.TaskSupervisor, job.(:first, 1_000))
second = Task.Supervisor.async_nolink(Pool.TaskSupervisor, job.(:second, 1_500))
IO.puts("two jobs running, the pool is full")
Process.sleep(300)

try do
  Task.Supervisor.async(Pool.TaskSupervisor, job.(:third, 100))
rescue
  error -> IO.puts("async raised #{inspect(error.__struct__)}: #{Exception.message(error)}")
end

IO.inspect(Task.Supervisor.start_child(Pool.TaskSupervisor, job.(:fourth, 100)), label: "start_child")
IO.inspect(Task.await_many([first, second], 2_000), label: "first two")

Process.sleep(100)
IO.puts("room again")
IO.inspect(Task.Supervisor.async(Pool.TaskSupervisor, job.(:third, 400)) |> Task.await(), label: "third")
