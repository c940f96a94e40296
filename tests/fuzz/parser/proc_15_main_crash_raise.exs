# Crashes: an uncaught raise in the main script prints what came before and exits with status 1
IO.puts("before the crash")
defmodule Boom do
  def go(x), do: raise(ArgumentError, "bad value: #{inspect(x)}")
end
Boom.go(%{a: 1})
IO.puts("never printed")
