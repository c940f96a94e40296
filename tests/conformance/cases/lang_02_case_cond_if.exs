# Language: case with guards, cond, if/unless, and their return values
classify = fn
  n when is_integer(n) and n < 0 -> :negative
  0 -> :zero
  n when is_integer(n) -> :positive
  f when is_float(f) -> :float
  _ -> :other
end
IO.inspect(Enum.map([-3, 0, 7, 2.5, "x"], classify))
value = case {1, 2} do
  {1, x} when x > 5 -> :big
  {1, x} -> {:small, x}
end
IO.inspect(value)
grade = fn score ->
  cond do
    score >= 90 -> "A"
    score >= 80 -> "B"
    true -> "C"
  end
end
IO.puts(Enum.map_join([95, 85, 10], ",", grade))
IO.inspect(if false, do: :yes)
IO.inspect(unless false, do: :ran)
IO.inspect(if nil, do: 1, else: 2)
