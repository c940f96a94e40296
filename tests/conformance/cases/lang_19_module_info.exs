defmodule User do
  defstruct [:name, age: 0]
  def run, do: :ok
  def b(x), do: x
  defp hidden, do: :h
  def a(x, y \\ 1), do: {x, y, hidden()}
end
IO.inspect User.__info__(:functions)
IO.inspect User.__info__(:macros)
IO.inspect User.__info__(:module)
IO.inspect User.__info__(:struct)
IO.inspect User.module_info(:exports)
IO.inspect User.module_info(:module)
defmodule G do
  use GenServer
  def init(x), do: {:ok, x}
end
IO.inspect G.__info__(:functions)
