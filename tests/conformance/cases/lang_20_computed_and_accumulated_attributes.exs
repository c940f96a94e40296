defmodule Attrs do
  @squares Enum.map(1..5, fn i -> i * i end)
  @total Enum.sum(@squares)
  @timeout :timer.seconds(2)
  Module.register_attribute(__MODULE__, :items, accumulate: true)
  @items :a
  @items :b
  @plain 1
  def squares, do: @squares
  def total, do: @total
  def items, do: @items
  def timeout, do: @timeout
  def plain, do: @plain
end
IO.inspect Attrs.squares()
IO.inspect Attrs.total()
IO.inspect Attrs.items()
IO.inspect Attrs.timeout()
IO.inspect Attrs.plain()
