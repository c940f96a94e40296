c = :counters.new(3, [])
IO.inspect(elem(c, 0))
:counters.add(c, 1, 5)
:counters.sub(c, 2, 3)
:counters.put(c, 3, 42)
IO.inspect {:counters.get(c, 1), :counters.get(c, 2), :counters.get(c, 3)}
IO.inspect :counters.info(c)
w = :counters.new(1, [:write_concurrency])
IO.inspect elem(w, 0)
IO.inspect :counters.info(w)
try do :counters.get(c, 4) rescue e -> IO.inspect e end
try do :counters.add(c, 1, 1.5) rescue e -> IO.inspect e end
try do :counters.new(0, []) rescue e -> IO.inspect e end
:counters.add(c, 1, 9223372036854775807)
IO.inspect :counters.get(c, 1)
a = :atomics.new(2, signed: false)
:atomics.add(a, 1, 3)
IO.inspect :atomics.add_get(a, 1, 4)
IO.inspect :atomics.compare_exchange(a, 1, 7, 10)
IO.inspect :atomics.exchange(a, 2, 5)
IO.inspect :atomics.info(a)
parent = self()
spawn(fn -> :counters.add(c, 1, 100); send(parent, :done) end)
receive do :done -> :ok end
IO.inspect :counters.get(c, 1)
:persistent_term.put(:cfg, %{a: 1})
IO.inspect :persistent_term.get(:cfg)
IO.inspect :persistent_term.get(:nope, :default)
try do :persistent_term.get(:nope) rescue e -> IO.inspect e end
IO.inspect :persistent_term.erase(:cfg)
IO.inspect :persistent_term.erase(:cfg)
:persistent_term.put({M, :k}, 1)
IO.inspect Enum.filter(:persistent_term.get(), fn {k, _} -> k == {M, :k} end)
IO.inspect :persistent_term.info() |> Map.keys()
u = :atomics.new(1, signed: false)
:atomics.put(u, 1, 18446744073709551615)
IO.inspect :atomics.get(u, 1)
IO.inspect :atomics.add_get(u, 1, 1)
:atomics.put(u, 1, 9223372036854775808)
IO.inspect :atomics.get(u, 1)
try do :atomics.put(u, 1, 18446744073709551616) rescue e -> IO.inspect e end
try do :counters.get({:atomics, make_ref()}, 1) rescue e -> IO.inspect e end
try do :atomics.get(:x, 1) rescue e -> IO.inspect e end
try do :counters.new(:a, []) rescue e -> IO.inspect e end
try do :counters.new(2, [:bad]) rescue e -> IO.inspect e end
try do :counters.get(c, :x) rescue e -> IO.inspect e end
IO.inspect Integer.extended_gcd(240, 46)
IO.inspect Integer.extended_gcd(-10, 4)
IO.inspect Integer.extended_gcd(0, -3)
IO.inspect Integer.extended_gcd(7, 0)
IO.inspect Integer.extended_gcd(123456789012345678901234567890, 987654321)
IO.inspect Calendar.ISO.day_of_week(2024, 2, 29, :default)
IO.inspect Calendar.ISO.day_of_week(2024, 2, 29, :sunday)
IO.inspect Calendar.ISO.day_of_week(2024, 2, 29, :saturday)
IO.inspect Calendar.ISO.day_of_year(2024, 12, 31)
IO.inspect Calendar.ISO.quarter_of_year(2024, 8, 1)
IO.inspect Float.ratio(-0.1)
IO.inspect Float.ratio(0.0)
IO.inspect Float.ratio(0.75)
IO.inspect Float.ratio(3.0e20)
IO.inspect Float.ratio(5.0e-324)
IO.puts String.equivalent?("é", "e\u0301")
IO.puts String.equivalent?("a", "b")
