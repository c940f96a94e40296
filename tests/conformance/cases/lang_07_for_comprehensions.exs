# Language: for comprehensions with filters, multiple generators, patterns, into: and uniq:
IO.inspect(for x <- 1..5, do: x * x)
IO.inspect(for x <- 1..10, rem(x, 3) == 0, do: x)
IO.inspect(for x <- [1, 2], y <- [:a, :b], do: {x, y})
IO.inspect(for {:ok, v} <- [{:ok, 1}, {:error, 2}, {:ok, 3}], do: v)
IO.inspect(for {k, v} <- %{a: 1, b: 2}, into: %{}, do: {k, v * 10})
IO.inspect(for x <- [1, 1, 2, 3, 3], uniq: true, do: x)
IO.inspect(for c <- ~w(a b c), into: "", do: String.upcase(c))
