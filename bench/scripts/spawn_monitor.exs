# spawn + monitor 100k processes that return at once; collect every :DOWN.
n = 100_000
refs = for i <- 1..n, do: elem(spawn_monitor(fn -> i end), 1)
down = Enum.reduce(refs, 0, fn ref, acc -> receive do {:DOWN, ^ref, :process, _, :normal} -> acc + 1 end end)
IO.puts("checksum #{down}")
