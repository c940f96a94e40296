# Language: deep non-tail recursion (200k frames) and a long tail-recursive loop
defmodule Deep do
  def depth(0), do: 0
  def depth(n), do: 1 + depth(n - 1)
  def loop(0, acc), do: acc
  def loop(n, acc), do: loop(n - 1, acc + n)
end
IO.inspect(Deep.depth(200_000))
IO.inspect(Deep.loop(1_000_000, 0))
