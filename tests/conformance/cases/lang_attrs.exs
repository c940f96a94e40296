defmodule Registry2 do
  Module.register_attribute(__MODULE__, :route, accumulate: true)
  Module.register_attribute(__MODULE__, :tag, accumulate: true)

  @base 10
  @double @base * 2
  @route {:get, "/a"}
  @route {:post, "/b"}
  @tag String.upcase("x")
  @tag String.upcase("y")
  @routes_count length([1, 2, 3])
  @powers Enum.map(1..4, fn i -> Integer.pow(2, i) end)
  @lookup Map.new([{:a, 1}, {:b, 2}])
  @cubes for i <- 1..3, into: %{}, do: {i, i * i * i}

  def routes, do: @route
  def tags, do: @tag
  def double, do: @double
  def count, do: @routes_count
  def powers, do: @powers
  def lookup(k), do: @lookup[k]
  def cubes, do: @cubes
end

IO.inspect Registry2.routes()
IO.inspect Registry2.tags()
IO.inspect Registry2.double()
IO.inspect Registry2.count()
IO.inspect Registry2.powers()
IO.inspect Registry2.lookup(:b)
IO.inspect Registry2.cubes()
