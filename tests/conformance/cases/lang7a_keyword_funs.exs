# Keyword's fun-taking and less common functions, with Elixir 1.14's ordering rules for
# duplicated keys: new/2 (last wins), merge/3, get_and_update/3 (first pair in place),
# update!/3 and replace_lazy/3 (later duplicates dropped), pop_first, pop_lazy, put_new_lazy.
IO.inspect(Keyword.new([{"a", 1}, {"b", 2}, {"a", 3}], fn {k, v} -> {String.to_atom(k), v} end))
IO.inspect(Keyword.new(%{x: 1, y: 2}, fn {k, v} -> {k, v * 10} end))
IO.inspect(Keyword.merge([a: 1, b: 2, a: 5], [a: 3, c: 4, c: 9], fn _k, v1, v2 -> v1 + v2 end))
IO.inspect(Keyword.get_and_update([a: 1, b: 2, a: 3], :a, fn v -> {v, 10} end))
IO.inspect(Keyword.get_and_update([b: 2], :a, fn v -> {v, 10} end))
IO.inspect(Keyword.get_and_update([a: 1, b: 2], :a, fn _ -> :pop end))
IO.inspect(Keyword.get_and_update!([a: 1, b: 2], :b, fn v -> {v, v + 1} end))
IO.inspect(Keyword.update!([a: 1, b: 2, a: 3], :a, &(&1 * 10)))
IO.inspect(Keyword.replace_lazy([a: 1, b: 2, a: 3], :a, &(&1 + 100)))
IO.inspect(Keyword.replace_lazy([b: 2], :a, &(&1 + 100)))
IO.inspect(Keyword.replace([a: 1, b: 2, a: 3], :a, :x))
IO.inspect(Keyword.put_new_lazy([a: 1], :b, fn -> 2 end))
IO.inspect(Keyword.put_new_lazy([a: 1], :a, fn -> raise "not called" end))
IO.inspect(Keyword.pop_first([a: 1, b: 2, a: 3], :a))
IO.inspect(Keyword.pop_first([b: 2], :a, :none))
IO.inspect(Keyword.pop_lazy([a: 1, b: 2, a: 3], :a, fn -> 0 end))
IO.inspect(Keyword.pop_lazy([b: 2], :a, fn -> 0 end))
IO.inspect(Keyword.pop_values([a: 1, b: 2, a: 3], :a))
IO.inspect(Keyword.equal?([a: 1, b: 2], [b: 2, a: 1]))
IO.inspect(Keyword.from_keys([:a, :b], 0))

for call <- [fn -> Keyword.update!([a: 1], :z, & &1) end, fn -> Keyword.get_and_update!([a: 1], :z, &{&1, &1}) end] do
  try do
    call.()
  rescue
    e in KeyError -> IO.puts(Exception.message(e))
  end
end
