# Language: guard functions and `in` inside guards
defmodule G do
  def kind(x) when is_list(x) and length(x) > 2, do: :long_list
  def kind(x) when is_list(x), do: :list
  def kind(x) when is_map(x) and map_size(x) == 0, do: :empty_map
  def kind(x) when is_map(x), do: :map
  def kind(x) when is_atom(x) and x in [:red, :green], do: :colour
  def kind(x) when is_atom(x), do: :atom
  def kind(x) when is_binary(x) and byte_size(x) > 3, do: :long_string
  def kind(x) when is_tuple(x) and tuple_size(x) == 2 and elem(x, 0) == :ok, do: :ok_pair
  def kind(x) when is_number(x) and not is_integer(x), do: :float
  def kind(x) when is_integer(x) and rem(x, 2) == 0, do: :even
  def kind(_), do: :other
end
inputs = [[1, 2, 3], [1], %{}, %{a: 1}, :red, :blue, "hello", "hi", {:ok, 1}, 1.5, 4, 3]
IO.inspect(Enum.map(inputs, &G.kind/1))
