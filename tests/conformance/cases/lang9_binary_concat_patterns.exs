defmodule P do
  def parse(<<"GET ", rest::binary>>), do: {:get, rest}
  def parse(<<c::utf8>> <> rest), do: {:char, c, rest}
  def hdr(<<len::8>> <> body), do: {len, body}
  def two(<<a::4, b::4>> <> <<c>> <> rest), do: {a, b, c, rest}
  def tlv(<<t, l>> <> rest) do
    <<v::binary-size(l)>> <> more = rest
    [{t, v} | (if more == "", do: [], else: tlv(more))]
  end
end
IO.inspect P.parse("GET /x")
IO.inspect P.parse("é!")
IO.inspect P.hdr(<<3, "abc">>)
IO.inspect P.two(<<0x12, 7, 8, 9>>)
IO.inspect P.tlv(<<1, 2, "ab", 2, 0, 3, 1, "z">>)
"ab" <> x = "abcd"
IO.inspect x
<<a::binary-size(2)>> <> y = "wxyz"
IO.inspect {a, y}
case <<1, 2, 3>> do
  <<1>> <> r -> IO.inspect(r, label: "r")
end
try do
  <<_::8>> <> _r = <<1::4>>
rescue e -> IO.inspect(e)
end
try do
  <<q::16>> <> _r = <<1, 2, 3::4>>
  IO.inspect q
rescue e -> IO.inspect(e)
end
