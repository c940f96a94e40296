Logger.configure(level: :none)
{:ok, a} = Agent.start(fn -> %{n: 1} end)
IO.inspect(Agent.update(a, Map, :put, [:x, 2]))
IO.inspect(Agent.get_and_update(a, Map, :pop, [:x]))
Agent.cast(a, Map, :put, [:y, 3])
IO.inspect(Agent.get(a, Map, :get, [:y]))
IO.inspect(Agent.get(a, Map, :keys, [], 1000))
{:ok, b} = Agent.start_link(Map, :new, [[k: 1]])
IO.inspect(Agent.get(b, & &1))
IO.inspect(Process.info(b, :dictionary) |> elem(1) |> Keyword.get(:"$initial_call"))
{:ok, c} = Agent.start(List, :duplicate, [:z, 3], name: Dup)
IO.inspect(Agent.get(Dup, Enum, :count, []))
IO.inspect(c == Process.whereis(Dup))
try do
  Agent.get(a, fn _ -> raise "x" end)
catch
  :exit, reason -> IO.inspect(reason, limit: 4)
end
