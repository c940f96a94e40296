# Language: try/rescue/catch/after/else, raise, throw, exit and custom messages
r1 = try do
  raise "boom"
rescue
  e in RuntimeError -> {:rescued, e.message}
end
IO.inspect(r1)
r2 = try do
  raise ArgumentError, message: "bad thing"
rescue
  e -> {:rescued, e.__struct__, Exception.message(e)}
end
IO.inspect(r2)
r3 = try do
  throw(:ball)
catch
  :throw, value -> {:caught, value}
end
IO.inspect(r3)
r4 = try do
  exit(:goodbye)
catch
  :exit, reason -> {:exit_caught, reason}
end
IO.inspect(r4)
r5 = try do
  1 + 1
rescue
  _ -> :never
else
  2 -> :two
after
  IO.puts("after runs")
end
IO.inspect(r5)
r6 = try do
  :erlang.error(:badarg)
rescue
  e -> Exception.message(e)
end
IO.puts(r6)
r7 = try do
  1 / 0
rescue
  e in ArithmeticError -> Exception.message(e)
end
IO.puts(r7)
r8 = try do
  Map.fetch!(%{}, :missing)
rescue
  e in KeyError -> Exception.message(e)
end
IO.puts(r8)
