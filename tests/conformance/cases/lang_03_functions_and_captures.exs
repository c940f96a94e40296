# Language: anonymous functions, multi-clause fns, closures, captures and pipes
add = fn a, b -> a + b end
IO.inspect(add.(2, 3))
counter = fn start -> fn step -> start + step end end
IO.inspect(counter.(10).(5))
double = &(&1 * 2)
IO.inspect(Enum.map([1, 2, 3], double))
IO.inspect(Enum.map([1, 2, 3], &Integer.to_string/1))
pair = &{&1, &2}
IO.inspect(pair.(:a, :b))
upcase = &String.upcase/1
IO.puts(upcase.("loud"))
1..5 |> Enum.map(&(&1 * &1)) |> Enum.filter(&(rem(&1, 2) == 1)) |> Enum.sum() |> IO.inspect()
"  padded  " |> String.trim() |> String.length() |> IO.inspect()
fact = fn
  0, _ -> 1
  n, self -> n * self.(n - 1, self)
end
IO.inspect(fact.(20, fact))
