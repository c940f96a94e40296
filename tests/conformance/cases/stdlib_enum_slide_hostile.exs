# Enum.slide/3, and the hostile inputs that used to loop forever: Stream.cycle over an empty
# enumerable and Enum.chunk_every with a count or step of 0 raise as in Elixir.
list = [:a, :b, :c, :d, :e, :f, :g]
IO.inspect(Enum.slide(list, 5, 1))
IO.inspect(Enum.slide(list, 3..5, 1))
IO.inspect(Enum.slide(list, 1..3, 5))
IO.inspect(Enum.slide(list, 3..-1//1, 2))
IO.inspect(Enum.slide(list, -4..-2, 1))
IO.inspect(Enum.slide(list, 3, -1))
IO.inspect(Enum.slide(list, 2, 2))
IO.inspect(Enum.slide(list, 1..20, 0))
IO.inspect(Enum.slide(list, 0, 100))
IO.inspect(Enum.slide(list, 10, 0))
IO.inspect(Enum.slide(1..10, 5..7, 1))
IO.inspect(Enum.slide(1..5, 0..1, 4))

for {range, at} <- [{1..3, 2}, {1..6//2, 0}, {5..2, 0}] do
  try do
    Enum.slide(list, range, at)
  rescue
    e in ArgumentError -> IO.puts(Exception.message(e))
  end
end

try do
  Stream.cycle([]) |> Enum.take(3)
rescue
  e -> IO.inspect(e)
end

stream = Stream.cycle(MapSet.new())
IO.puts("a cycle over an empty set is built lazily")

try do
  Enum.take(stream, 2)
rescue
  e in ArgumentError -> IO.puts(Exception.message(e))
end

IO.inspect(Stream.cycle(1..3) |> Enum.take(7))

for args <- [[[1, 2], 0], [[1, 2], 2, 0], [[1, 2], -1, 1], [[1, 2], 1.5]] do
  try do
    apply(Enum, :chunk_every, args)
  rescue
    e in FunctionClauseError -> IO.puts(Exception.message(e))
  end
end

IO.inspect(Enum.chunk_every([1, 2, 3], 2, 1))

try do
  Stream.chunk_every([1, 2], 0) |> Enum.to_list()
rescue
  e in FunctionClauseError -> IO.puts(Exception.message(e))
end

Enum.chunk_every([1, 2], 0)
