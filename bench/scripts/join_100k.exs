# Enum.join of 100k strings.
s = 1..100_000 |> Enum.map(&Integer.to_string/1) |> Enum.join(",")
IO.puts("checksum #{byte_size(s)}")
