# Language: defmodule, def/defp, default arguments, guards, attributes and recursion
defmodule Geometry do
  @moduledoc "shapes"
  @pi 3.14159

  def area({:circle, r}), do: @pi * r * r
  def area({:rect, w, h}) when w > 0 and h > 0, do: w * h
  def area(_), do: :unknown

  def greet(name, greeting \\ "Hello"), do: "#{greeting}, #{name}!"

  def sum([]), do: 0
  def sum([h | t]), do: h + sum(t)

  def count_down(0, acc), do: Enum.reverse(acc)
  def count_down(n, acc), do: count_down(n - 1, [n | acc])

  defp secret, do: :hidden
  def reveal, do: secret()
end

IO.inspect(Geometry.area({:circle, 2}))
IO.inspect(Geometry.area({:rect, 3, 4}))
IO.inspect(Geometry.area({:rect, -1, 4}))
IO.puts(Geometry.greet("Ada"))
IO.puts(Geometry.greet("Ada", "Hi"))
IO.inspect(Geometry.sum(Enum.to_list(1..100)))
IO.inspect(Geometry.count_down(5, []))
IO.inspect(Geometry.reveal())
