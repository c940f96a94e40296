# Task.async_stream over 100k items.
sum =
  1..100_000
  |> Task.async_stream(fn i -> rem(i * 7, 1000) end, max_concurrency: 8)
  |> Enum.reduce(0, fn {:ok, v}, acc -> acc + v end)
IO.puts("checksum #{sum}")
