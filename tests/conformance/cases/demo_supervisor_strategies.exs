# Supervisor strategies: which siblings restart when one child crashes
# Each strategy supervises three named workers a, b and c (Agents). Worker b crashes; the script
# then checks which workers were restarted (their pid changed): :one_for_one restarts only b,
# :one_for_all restarts all three, :rest_for_one restarts b and the ones started after it (c).
Logger.configure(level: :none)

worker = fn name ->
  %{id: name, start: {Agent, :start_link, [fn -> 0 end, [name: name]]}}
end

for strategy <- [:one_for_one, :one_for_all, :rest_for_one] do
  names = for n <- [:a, :b, :c], do: :"#{strategy}_#{n}"
  sup_name = :"#{strategy}_sup"
  {:ok, _} = Supervisor.start_link(Enum.map(names, worker), strategy: strategy, name: sup_name)
  Process.sleep(300)

  before = Enum.map(names, &Process.whereis/1)
  IO.puts("#{strategy}: crashing #{Enum.at(names, 1)}")
  Agent.cast(Enum.at(names, 1), fn _ -> raise "boom" end)
  Process.sleep(500)

  restarted =
    names
    |> Enum.zip(before)
    |> Enum.filter(fn {name, pid} -> Process.whereis(name) != pid end)
    |> Enum.map(fn {name, _} -> name end)

  IO.puts("  restarted: #{inspect(restarted)}")
  IO.inspect(Supervisor.count_children(sup_name), label: "  children")
end
