# Crashes: no function clause matching ends the script with status 1
defmodule OnlyInts do
  def double(n) when is_integer(n), do: n * 2
end
IO.inspect(OnlyInts.double(2))
OnlyInts.double("two")
