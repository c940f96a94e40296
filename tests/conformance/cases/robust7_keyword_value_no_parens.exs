# A keyword value in the arguments of a call without parentheses may itself be a call without
# parentheses that takes the rest of the arguments (Elixir's `kw_eol no_parens_expr`).
defmodule Err do
  defexception [:x]
  def message(_), do: raise ArgumentError, "message itself failed"
end

defmodule M do
  def g(x), do: max x, 3
  def h(c), do: if c, do: max 1, 5
  def k(c), do: if c, do: max(1, 5), else: min 1, 5
end

IO.inspect M.g(1)
IO.inspect M.h(true)
IO.inspect M.h(false)
IO.inspect M.k(false)
# `else:` is taken by max/2 here, as Elixir parses it: the if has no else
x = if false, do: max 1, else: 7
IO.inspect x
y = if false, do: :a, else: max 4, 5
IO.inspect y
IO.inspect(try do raise Err, x: 1 rescue e -> e.__struct__ end)
