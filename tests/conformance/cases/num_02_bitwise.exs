import Bitwise
IO.inspect(0b1100 &&& 0b1010)
IO.inspect(0b1100 ||| 0b1010)
IO.inspect(bxor(0b1100, 0b1010))
IO.inspect(bnot(0))
IO.inspect(~~~5)
IO.inspect(1 <<< 10)
IO.inspect(1024 >>> 3)
IO.inspect(-16 >>> 2)
IO.inspect(-1 >>> 100)
IO.inspect(1 <<< 100)
IO.inspect((1 <<< 100) >>> 98)
IO.inspect(5 <<< -1)
IO.inspect(band(2 ** 70 + 5, 0xFF))
IO.inspect(bor(2 ** 70, 1))
IO.inspect(bxor(2 ** 70, 2 ** 70 + 3))
IO.inspect(bnot(2 ** 70))
IO.inspect(band(-(2 ** 70), 2 ** 72 - 1))
IO.inspect((0xFFFF_FFFF_FFFF_FFFF <<< 8) >>> 8 == 0xFFFF_FFFF_FFFF_FFFF)
IO.inspect(Bitwise.band(12, 10))
IO.inspect(:erlang.band(12, 10))
IO.inspect(:erlang.bsl(1, 64))
IO.inspect(:erlang.bsr(2 ** 64, 60))
IO.inspect(Enum.map(0..7, &(&1 &&& 1)))
IO.inspect(1 + 2 &&& 3)
IO.inspect(1 ||| 2 &&& 3)
IO.inspect(1 <<< 2 + 1)
IO.inspect(try do band(1, :a) rescue e -> e end)
IO.inspect(try do 1.0 <<< 1 rescue e -> e end)
defmodule Flags do
  use Bitwise
  def set?(flags, bit), do: (flags &&& (1 <<< bit)) != 0
  def checksum(list), do: Enum.reduce(list, 0, fn x, acc -> bxor(acc, x) end)
end
IO.inspect(Flags.set?(0b101, 2))
IO.inspect(Flags.set?(0b101, 1))
IO.inspect(Flags.checksum([1, 2, 4, 8, 255]))
defmodule Fnv do
  import Bitwise
  @prime 1_099_511_628_211
  @offset 14_695_981_039_346_656_037
  def hash(bin), do: hash(bin, @offset)
  defp hash(<<>>, h), do: h
  defp hash(<<c, rest::binary>>, h), do: hash(rest, band(bxor(h, c) * @prime, 0xFFFF_FFFF_FFFF_FFFF))
end
IO.inspect(Fnv.hash("hello world"))
