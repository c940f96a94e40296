for opts <- [[keys: :unique, name: "x"], [keys: :unique, name: X, listeners: :a], [keys: :unique, name: X, meta: 3], [name: X]] do
try do
  IO.inspect Registry.start_link(opts)
rescue e -> IO.inspect e
end
end
{:ok, _} = Registry.start_link(keys: :duplicate, name: D)
try do
  GenServer.start_link(Agent.Server, fn -> 1 end, name: {:via, Registry, {D, :x}})
rescue e -> IO.inspect e
end
try do Registry.update_value(D, :x, & &1) rescue e -> IO.inspect e end
IO.inspect Registry.select(D, [{{:"$1", :"$2", :"$3"}, [], [:"$_"]}])
Registry.register(D, :x, 1)
[[:x, pid, 1]] = Registry.select(D, [{{:"$1", :"$2", :"$3"}, [], [:"$$"]}])
IO.inspect pid == self()
IO.inspect Registry.select(D, [{{:"$1", :_, :"$3"}, [{:andalso, {:is_atom, :"$1"}, {:>=, :"$3", 1}}], [{{:"$3", :"$1", {:const, :c}}}]}])
IO.inspect Registry.count_select(D, [{{:_, :_, :"$1"}, [{:==, :"$1", 1.0}], [true]}])
try do IO.inspect Registry.select(D, [{:_, [], [:"$_"]}, 3]) rescue e -> IO.inspect e end
IO.inspect Registry.match(D, :x, :"$1", [{:is_integer, :"$1"}]) |> Enum.map(&elem(&1, 1))
IO.inspect Registry.match(D, :x, %{}, [])
IO.inspect Registry.unregister_match(D, :y, :_)
