# Enum.map and two Enum.reduce over 1..1,000,000.
list = Enum.map(1..1_000_000, fn x -> x * 2 end)
sum = Enum.reduce(list, 0, fn x, acc -> acc + x end)
odd = Enum.reduce(list, 0, fn x, acc -> if rem(x, 3) == 0, do: acc + 1, else: acc end)
IO.puts("checksum #{sum + odd}")
