# FunctionClauseError: Exception.message without blame, the arguments kept in the top frame when
# rescued, and the uncaught banner Kernel.CLI prints (padded blame, the first clause's line, and no
# "(file)" frame for the script's last expression, a tail call).
defmodule Shapes do
  def area({:square, s}), do: s * s

  def area({:circle, r}) when r > 0,
    do: 3.14 * r * r

  def scale(shape, factor) when is_number(factor), do: {shape, factor}
end

IO.inspect(Shapes.area({:square, 3}))

try do
  Shapes.area({:triangle, 1, 2})
rescue
  e in FunctionClauseError ->
    IO.puts(Exception.message(e))
    IO.inspect(hd(__STACKTRACE__))
end

try do
  Shapes.scale(%{kind: :dot, points: [1, 2]}, "2")
rescue
  e -> IO.puts(Exception.format_banner(:error, e, __STACKTRACE__))
end

f = fn {:ok, v} -> v end
IO.inspect(f.({:ok, 1}))

# an anonymous function's clause error is reported at the line of its `fn`
g = fn
  {:ok, v} -> v
  :none -> 0
end

try do
  g.(:other)
rescue
  FunctionClauseError -> IO.inspect(__STACKTRACE__ |> hd() |> elem(3) |> Keyword.get(:line))
end
IO.puts("now crashing for real")
Shapes.scale([1, 2, 3], :double)
