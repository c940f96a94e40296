defmodule Guards do
  defguard is_even(n) when is_integer(n) and rem(n, 2) == 0
  defguard is_positive_even(n) when is_even(n) and n > 0
  defguardp is_small(n) when n < 10

  def classify(n) when is_positive_even(n) and is_small(n), do: :small_positive_even
  def classify(n) when is_positive_even(n), do: :positive_even
  def classify(n) when is_even(n), do: :even
  def classify(_), do: :other

  def check(n), do: is_even(n)
end

defmodule UsesGuards do
  import Guards

  def evens(list), do: Enum.filter(list, fn x when is_even(x) -> true; _ -> false end)
  def kind(x) do
    case x do
      y when is_positive_even(y) -> "positive even"
      _ -> "no"
    end
  end
end

defmodule Math do
  def double(x), do: x * 2
  def add(a, b), do: a + b
end

defmodule Facade do
  defdelegate double(x), to: Math
  defdelegate plus(a, b), to: Math, as: :add
  defdelegate reverse(list), to: Enum
end

defmodule Settings do
  Module.register_attribute(__MODULE__, :plugin, accumulate: true)
  @plugin :auth
  @plugin :logger
  @plugin :cache

  @squares for i <- 1..5, do: i * i
  @names Enum.map([:a, :b], &Atom.to_string/1)
  @limit 10 * 60
  @table %{a: 1, b: 2} |> Map.put(:c, 3)

  def plugins, do: @plugin
  def squares, do: @squares
  def names, do: @names
  def limit, do: @limit
  def table, do: @table
end

defmodule Shape do
  defstruct [:kind, sides: 0]
  def new(kind), do: %Shape{kind: kind}
  defp hidden, do: :secret
  def reveal, do: hidden()
end

IO.inspect Guards.classify(4)
IO.inspect Guards.classify(12)
IO.inspect Guards.classify(-2)
IO.inspect Guards.classify(3)
IO.inspect Guards.check(6)
IO.inspect UsesGuards.evens([1, 2, 3, 4, 5, 6])
IO.inspect UsesGuards.kind(8)
IO.inspect UsesGuards.kind(-8)
IO.inspect Guards.__info__(:macros)
IO.inspect Guards.__info__(:functions)

IO.inspect Facade.double(21)
IO.inspect Facade.plus(1, 2)
IO.inspect Facade.reverse([1, 2, 3])
IO.inspect Facade.__info__(:functions)

IO.inspect Settings.plugins()
IO.inspect Settings.squares()
IO.inspect Settings.names()
IO.inspect Settings.limit()
IO.inspect Settings.table()

IO.inspect Shape.__info__(:functions)
IO.inspect Shape.__info__(:module)
IO.inspect Shape.__info__(:struct)
IO.inspect Shape.module_info(:module)
IO.inspect Code.ensure_loaded?(Shape)
IO.inspect Code.ensure_loaded?(NotThere)
IO.inspect Code.ensure_loaded?(Enum)
IO.inspect function_exported?(Shape, :new, 1)
IO.inspect function_exported?(Shape, :hidden, 0)
IO.inspect Shape.reveal()
