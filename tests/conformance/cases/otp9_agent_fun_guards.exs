{:ok, a} = Agent.start(fn -> 1 end)
for {name, f} <- [
      {"get tuple", fn -> Agent.get(a, {Map, :keys, []}) end},
      {"get arity 2", fn -> Agent.get(a, fn x, _ -> x end) end},
      {"update atom", fn -> Agent.update(a, :x, 100) end},
      {"get_and_update", fn -> Agent.get_and_update(a, 5) end},
      {"cast", fn -> Agent.cast(a, fn -> 1 end) end},
      {"start", fn -> Agent.start(fn x -> x end) end},
      {"start_link", fn -> Agent.start_link(:nope, []) end}
    ] do
  try do
    f.()
    IO.puts("#{name}: no error")
  rescue
    e in FunctionClauseError -> IO.puts("#{name}: #{inspect({e.module, e.function, e.arity})}")
  end
end
IO.inspect(Agent.get(a, & &1))
