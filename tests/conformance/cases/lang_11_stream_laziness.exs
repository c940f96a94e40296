# Language: Stream is lazy: side effects happen only as elements are pulled
stream = Stream.map(1..5, fn x -> IO.puts("mapping #{x}"); x * 2 end)
IO.puts("nothing mapped yet")
IO.inspect(Enum.take(stream, 2))
Stream.iterate(1, &(&1 * 2)) |> Stream.take(6) |> Enum.to_list() |> IO.inspect()
Stream.cycle([:a, :b]) |> Enum.take(5) |> IO.inspect()
1..3 |> Stream.filter(&(&1 != 2)) |> Stream.with_index() |> Enum.to_list() |> IO.inspect()
Stream.repeatedly(fn -> :x end) |> Enum.take(3) |> IO.inspect()
IO.inspect(Stream.run(Stream.each([1, 2], &IO.puts/1)))
