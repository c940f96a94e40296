# fib(27), body-recursive module function.
defmodule Fib do
  def fib(n) when n < 2, do: n
  def fib(n), do: fib(n - 1) + fib(n - 2)
end
IO.puts("checksum #{Fib.fib(27)}")
