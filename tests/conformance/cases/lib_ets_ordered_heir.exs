# ordered_set iteration, bags, counters and ownership: heir transfer and death with the owner.
t = :ets.new(:scores, [:ordered_set])
for {name, score} <- [{"carol", 7}, {"alice", 10}, {"bob", 3}, {"dave", 10}] do
  :ets.insert(t, {name, score})
end
IO.inspect :ets.tab2list(t)
IO.inspect :ets.first(t)
IO.inspect :ets.next(t, "alice")
IO.inspect :ets.last(t)
IO.inspect :ets.prev(t, "carol")
IO.inspect :ets.next(t, "dave")
IO.inspect :ets.select(t, [{{:"$1", :"$2"}, [{:>=, :"$2", 7}], [{{:"$2", :"$1"}}]}])
IO.inspect :ets.select_delete(t, [{{:_, :"$1"}, [{:<, :"$1", 5}], [true]}])
IO.inspect :ets.info(t, :size)
IO.inspect :ets.update_counter(t, "carol", {2, 5})
IO.inspect :ets.update_counter(t, "carol", [{2, 1}, {2, 100, 20, 0}])
IO.inspect :ets.update_element(t, "alice", {2, 11})
IO.inspect :ets.lookup(t, "alice")
IO.inspect :ets.foldr(fn {k, _}, acc -> [k | acc] end, [], t)

bag = :ets.new(:events, [:bag])
:ets.insert(bag, [{:click, 1}, {:click, 2}, {:click, 1}, {:view, 9}])
IO.inspect :ets.lookup(bag, :click)
IO.inspect :ets.lookup_element(bag, :click, 2)
IO.inspect :ets.match_object(bag, {:click, :_})
:ets.delete_object(bag, {:click, 1})
IO.inspect :ets.lookup(bag, :click)
IO.inspect :ets.take(bag, :view)
IO.inspect :ets.member(bag, :view)

parent = self()
heir = spawn(fn ->
  receive do
    {:"ETS-TRANSFER", tab, from, data} ->
      send(parent, {:transferred, tab, is_pid(from), data, :ets.info(tab, :owner) == self()})
      receive do :stop -> :ok end
  end
end)
owner = spawn(fn ->
  :ets.new(:inherited, [:named_table, {:heir, heir, :my_gift}])
  :ets.insert(:inherited, {:k, :v})
  send(parent, :ready)
  receive do :stop -> :ok end
end)
receive do :ready -> :ok end
send(owner, :stop)
receive do msg -> IO.inspect(msg) end
IO.inspect :ets.lookup(:inherited, :k)

doomed = spawn(fn ->
  :ets.new(:doomed, [:named_table, :public])
  send(parent, :ready)
end)
receive do :ready -> :ok end
ref = Process.monitor(doomed)
receive do {:DOWN, ^ref, _, _, _} -> :ok end
IO.inspect :ets.info(:doomed)
try do
  :ets.lookup(:doomed, 1)
rescue
  e -> IO.puts(Exception.message(e))
end
send(heir, :stop)
