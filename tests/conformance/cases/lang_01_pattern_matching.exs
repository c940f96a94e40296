# Language: pattern matching with =, nested data, pins, lists with tails and strings
{a, [b | rest], %{key: c}} = {1, [2, 3, 4], %{key: :value, other: 0}}
IO.inspect({a, b, rest, c})
x = 5
^x = 5
[first, second | _] = Enum.to_list(1..10)
IO.inspect(first + second)
"hello " <> name = "hello world"
IO.puts(name)
{:ok, {_, inner}} = {:ok, {:ignored, "kept"}}
IO.puts(inner)
result = try do
  ^x = 6
rescue
  e in MatchError -> "no match: #{Exception.message(e)}"
end
IO.puts(result)
[h | t] = 'abc'
IO.inspect({h, t})
%{a: 1} = %{a: 1, b: 2}
IO.puts("partial map match ok")
