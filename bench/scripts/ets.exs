# An ETS-heavy loop: 100k inserts, lookups and counter updates on a set, a match-spec count,
# deletes, and an ordered_set filled out of order and walked with :ets.next.
n = 100_000
t = :ets.new(:bench_set, [:set, :public])
Enum.each(1..n, fn i -> :ets.insert(t, {i, i * 2, :payload}) end)
looked = Enum.reduce(1..n, 0, fn i, acc -> [{^i, v, _}] = :ets.lookup(t, i); acc + v end)
Enum.each(1..n, fn i -> :ets.update_counter(t, rem(i, 1000) + 1, {2, 1}) end)
counters = Enum.reduce(1..1000, 0, fn i, acc -> acc + :ets.lookup_element(t, i, 2) end)
big = :ets.select_count(t, [{{:"$1", :"$2", :_}, [{:>, :"$2", n}], [true]}])
Enum.each(1..n//2, fn i -> :ets.delete(t, i) end)
members = Enum.count(1..n, fn i -> :ets.member(t, i) end)
o = :ets.new(:bench_ordered, [:ordered_set])
Enum.each(1..n, fn i -> :ets.insert(o, {rem(i * 7919, n), i}) end)
walk = fn
  _walk, :"$end_of_table", acc -> acc
  walk, key, acc -> walk.(walk, :ets.next(o, key), acc + key)
end
walked = walk.(walk, :ets.first(o), 0)
IO.puts("checksum #{looked + counters + big + members + :ets.info(t, :size) + walked}")
