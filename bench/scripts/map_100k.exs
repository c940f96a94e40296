# A 100k-key map: built with Map.put, read back, updated, iterated in the BEAM's order.
n = 100_000
map = Enum.reduce(1..n, %{}, fn i, acc -> Map.put(acc, i, i * 3) end)
hits = Enum.reduce(1..n, 0, fn i, acc -> acc + Map.get(map, i) end)
map = Enum.reduce(1..n//2, map, fn i, acc -> Map.update!(acc, i, &(&1 + 1)) end)
map = Enum.reduce(1..n//3, map, fn i, acc -> Map.delete(acc, i) end)
first = map |> Map.keys() |> Enum.take(5) |> Enum.sum()
IO.puts("checksum #{hits + map_size(map) + first + Enum.sum(Map.values(map))}")
