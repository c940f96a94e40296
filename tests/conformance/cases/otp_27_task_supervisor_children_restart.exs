# Task.Supervisor: a transient child that crashes is restarted, and children/1 shows it while it runs
Logger.configure(level: :none)
{:ok, sup} = Task.Supervisor.start_link()
{:ok, _} = Agent.start_link(fn -> 0 end, name: Attempts)
{:ok, _} = Task.Supervisor.start_child(sup, fn ->
  n = Agent.get_and_update(Attempts, &{&1 + 1, &1 + 1})
  if n < 3, do: exit(:retry), else: Process.sleep(1000)
end, restart: :transient)
Process.sleep(200)
IO.inspect(Agent.get(Attempts, & &1), label: "attempts")
IO.inspect(length(Task.Supervisor.children(sup)), label: "children")
