defprotocol Describe do
  @moduledoc "Describes a value in words."
  @fallback_to_any true

  @doc "A short description"
  def describe(value)

  @doc "A description with a prefix"
  def describe(value, prefix)
end

defimpl Describe, for: Integer do
  def describe(n) when n < 0, do: "negative integer #{n}"
  def describe(n), do: "integer #{n}"
  def describe(n, prefix), do: prefix <> describe(n)
end

defimpl Describe, for: [List, Tuple] do
  def describe(x), do: "#{@for |> inspect} of size #{size(x)}"
  def describe(x, prefix), do: prefix <> describe(x)
  defp size(x) when is_list(x), do: length(x)
  defp size(x), do: tuple_size(x)
end

defimpl Describe, for: Map do
  def describe(m), do: "map with keys #{inspect(Map.keys(m))}"
  def describe(m, prefix), do: prefix <> describe(m)
end

defimpl Describe, for: BitString do
  def describe(s), do: "string #{inspect(s)}"
  def describe(s, prefix), do: prefix <> describe(s)
end

defimpl Describe, for: Atom do
  def describe(a), do: "atom #{inspect(a)}"
  def describe(a, p), do: p <> describe(a)
end

defimpl Describe, for: Any do
  def describe(_), do: "something else"
  def describe(x, prefix), do: prefix <> describe(x)
end

defmodule Point do
  defstruct x: 0, y: 0

  defimpl Describe do
    def describe(%Point{x: x, y: y}), do: "point at (#{x}, #{y})"
    def describe(p, prefix), do: prefix <> describe(p)
  end
end

defmodule Temperature do
  @derive [Describe]
  defstruct [:degrees]
end

defprotocol Area do
  def area(shape)
end

defmodule Square do
  defstruct side: 1
end

defimpl Area, for: Square do
  def area(%Square{side: s}), do: s * s
end

defmodule Demo do
  def run do
    for v <- [1, -5, [1, 2, 3], {:a, :b}, %{b: 1, a: 2}, "hi", :ok, 1.5, self(), %Point{x: 1, y: 2}, %Temperature{degrees: 3}] do
      IO.puts(Describe.describe(v))
    end

    IO.puts Describe.describe(42, ">> ")
    IO.inspect Describe.impl_for(1)
    IO.inspect Describe.impl_for(%Point{})
    IO.inspect Describe.impl_for(2.0)
    IO.inspect Describe.__protocol__(:functions)
    IO.inspect Describe.__protocol__(:module)
    IO.inspect Describe.Integer.__impl__(:for)
    IO.inspect Describe.Integer.__impl__(:protocol)
    IO.inspect Describe.Point.__impl__(:for)
    IO.inspect Describe.List.__impl__(:target)
    IO.inspect Describe.__info__(:functions)

    IO.puts Area.area(%Square{side: 3})
    IO.inspect Area.impl_for(%Point{})

    try do
      Area.area(%Point{x: 1})
    rescue
      e in Protocol.UndefinedError ->
        IO.puts Exception.message(e)
        IO.inspect e.protocol
        IO.inspect e.value
    end

    try do
      Area.area(3)
    rescue
      e -> IO.puts Exception.message(e)
    end

    Area.area("circle")
  end
end

Demo.run()
