import Bitwise
IO.inspect(try do 1 <<< (2 ** 70) rescue e -> e end)
n = -1
IO.inspect(try do <<1::size(n)>> rescue e -> e end)
m = 2 ** 70
IO.inspect(match?(<<_::size(m)>>, "abc"))
IO.inspect(try do String.to_integer("") rescue e -> e end)
IO.inspect(try do div(1, 0) rescue e -> e end)
IO.inspect(try do 1 / 0 rescue e -> e end)
IO.inspect(try do abs(:a) rescue e -> e end)
IO.inspect(0 <<< 1_000_000_000_000)
IO.inspect(-5 >>> 1_000_000_000_000)
IO.inspect(<<1::float-16>>)
IO.inspect(try do <<100000.0::float-16>> rescue e -> e end)
<<x::float-16>> = <<60, 0>>
IO.inspect(x)
IO.inspect(for <<c <- "héllo">>, do: c)
IO.inspect(<<1.0e300::float-32>>)
IO.inspect(<<65520.0::float-16>>)
IO.inspect(<<65519.0::float-16>>)
IO.inspect(<<1.0e-10::float-16>>)
big = 2 ** 1100
IO.inspect(try do <<big::float>> rescue e -> e.__struct__ end)
