# Language: with, its else clauses and guards
parse = fn input ->
  with {int, ""} <- Integer.parse(input),
       true <- int > 0 do
    {:ok, int}
  else
    :error -> {:error, :not_a_number}
    {_int, _rest} -> {:error, :trailing_garbage}
    false -> {:error, :not_positive}
  end
end
IO.inspect(Enum.map(["42", "abc", "7x", "-1"], parse))
IO.inspect(with {:ok, a} <- {:ok, 1}, {:ok, b} <- {:ok, 2}, do: a + b)
