# Binary and bitstring construction, matching, comprehensions and inspect.
IO.inspect(<<1, 2, 3::size(2)>>)
IO.inspect(<<1::1, 0::1>>)
IO.inspect(<<255, 1::3>>, base: :hex)
IO.inspect(<<-1::16>>)
IO.inspect(<<300::little-16>>)
IO.inspect(<<1.5::float>>)
IO.inspect(<<1.5::float-32>>)
IO.inspect(<<1.5::float-little-64>>)
IO.inspect(<<"é"::utf8, "é"::utf16, ?a::utf32>>)
IO.inspect(<<"hé"::utf16-little>>)
IO.inspect(<<2 ** 70::80>>)
IO.inspect(<<-(2 ** 70)::80>>)
IO.inspect(<<1::4, 2::4>>)
x = "abc"
IO.inspect(<<x::binary, 0>>)
IO.inspect(<<x::binary-size(2)>>)
IO.inspect(<<x::bytes-2>>)
IO.inspect(<<x::binary, "def", ?!>>)
n = 3
IO.inspect(<<7::size(n)>>)
IO.inspect(<<5::size(n)-unit(8)>>)
IO.inspect(<<1, 2>> <> <<3>>)
IO.inspect(<<0, 1, 2, 200, 255>>)
IO.inspect("abc" <> <<0>>)
IO.inspect(<<>>)
IO.inspect(<<1::size(0)>>)
IO.inspect({bit_size(<<1::3>>), byte_size(<<1::3>>), bit_size("héllo"), byte_size("héllo")})
IO.inspect({is_binary(<<1::3>>), is_bitstring(<<1::3>>), is_binary("a"), is_bitstring("a")})
y = <<1::3>>
IO.inspect(<<y::bits, 1::5>>)
IO.inspect(<<y::bitstring, y::bitstring>>)
IO.inspect(<<1, 2, 3>> < <<1, 2, 3, 0>>)
IO.inspect(<<1::1>> < <<1>>)
IO.inspect(<<0::1>> < <<1>>)
z = "a"
IO.inspect(try do <<z::integer>> rescue e -> e end)
IO.inspect(try do <<x::binary-size(5)>> rescue e -> e end)
w = :a
IO.inspect(try do <<w::float>> rescue e -> e end)
v = -1
IO.inspect(try do <<v::utf8>> rescue e -> e end)
IO.inspect(try do <<y::binary>> rescue e -> e end)

# matching
<<a, b, rest::binary>> = "hello"
IO.inspect({a, b, rest})
<<len::16, payload::binary-size(len), tail::bits>> = <<0, 3, "abcdef">>
IO.inspect({len, payload, tail})
<<sign::1, exp::11, mant::52>> = <<1.5::float>>
IO.inspect({sign, exp, mant})
<<int::signed-little-32>> = <<254, 255, 255, 255>>
IO.inspect(int)
<<f::float-32>> = <<1.5::float-32>>
IO.inspect(f)
<<c::utf8, more::binary>> = "élan"
IO.inspect({c, more})
<<u::utf16, _::binary>> = <<"😀"::utf16>>
IO.inspect(u)
<<big::96>> = <<255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255>>
IO.inspect(big)
<<sbig::signed-96>> = <<255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 254>>
IO.inspect(sbig)
<<u64::64>> = <<255, 255, 255, 255, 255, 255, 255, 255>>
IO.inspect(u64)
<<"GET ", path::binary>> = "GET /index.html"
IO.inspect(path)
"GET " <> path2 = "GET /about"
IO.inspect(path2)
<<first::binary-size(2), _::binary>> = "xyz"
IO.inspect(first)
<<bits3::3, bits5::5>> = <<0b10111111>>
IO.inspect({bits3, bits5})
IO.inspect(match?(<<_::binary-size(3)>>, "abc"))
IO.inspect(match?(<<_::binary-size(3)>>, "abcd"))
IO.inspect(match?(<<1, _::binary>>, <<1, 2>>))
IO.inspect(match?(<<1, _::binary>>, <<2, 2>>))
pinned = 7
IO.inspect(match?(<<^pinned, _>>, <<7, 0>>))
IO.inspect(try do <<a2, b2>> = "abc"; {a2, b2} rescue e -> e end)

defmodule Packet do
  def decode(<<1, len::8, body::binary-size(len), rest::binary>>), do: {:msg, body, rest}
  def decode(<<2, n::32-big, rest::binary>>), do: {:num, n, rest}
  def decode(<<0>>), do: :eof
  def decode(other), do: {:unknown, other}

  def parse(bin), do: parse(bin, [])
  defp parse(<<>>, acc), do: Enum.reverse(acc)
  defp parse(<<c::utf8, rest::binary>>, acc), do: parse(rest, [c | acc])

  def count_bits(<<>>, acc), do: acc
  def count_bits(<<b::1, rest::bits>>, acc), do: count_bits(rest, acc + b)
end
IO.inspect(Packet.decode(<<1, 3, "abcXY">>))
IO.inspect(Packet.decode(<<2, 0, 0, 1, 0, 9>>))
IO.inspect(Packet.decode(<<0>>))
IO.inspect(Packet.decode(<<9, 9>>))
IO.inspect(Packet.parse("héllo"))
IO.inspect(Packet.count_bits(<<255, 1, 3::2>>, 0))
big_bin = :binary.copy("ab", 500)
IO.inspect(Packet.count_bits(big_bin, 0))

case <<3, 1, 2, 3>> do
  <<n, items::binary-size(n)>> -> IO.inspect({:items, :binary.bin_to_list(items)})
  _ -> IO.puts("no")
end

parent = self()
send(parent, <<42, "payload">>)
receive do
  <<42, body::binary>> -> IO.inspect({:got, body})
end

# comprehensions
IO.inspect(for <<c <- "abc">>, do: c)
IO.inspect(for <<r::8, g::8, b::8 <- <<1, 2, 3, 4, 5, 6>> >>, do: {r, g, b})
IO.inspect(for <<c <- "abc">>, into: <<>>, do: <<c + 1>>)
IO.inspect(for <<c::1 <- <<5::3>> >>, do: c)
IO.inspect(for <<x::8, 0::8 <- <<1, 0, 2, 1, 3, 0>> >>, do: x)
IO.inspect(for <<c <- "hello">>, c != ?l, into: "", do: <<c>>)
IO.inspect(for x <- [1, 2, 3], into: "", do: <<x>>)
IO.inspect(for <<c::utf8 <- "héllo">>, do: c)

# charlists are lists of code points
IO.inspect('héllo')
IO.inspect(length('héllo'))
IO.inspect('abc' ++ [0])
IO.inspect(String.to_charlist("héllo") == 'héllo')
IO.puts('héllo')
IO.inspect(List.to_string('héllo'))
IO.inspect([?h, ?é])
