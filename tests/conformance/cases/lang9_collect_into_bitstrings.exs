IO.inspect(for x <- 1..3, into: <<>>, do: <<x::4>>)
IO.inspect(Enum.into([<<1::4>>, <<2::4>>], <<>>))
IO.inspect(for x <- 1..3, into: "", do: <<x>>)
IO.inspect(Enum.into([<<1::4>>, "a"], <<7::3>>))
try do IO.inspect(for x <- ['ab'], into: "", do: x) rescue e -> IO.inspect(e) end
IO.inspect :erlang.list_to_bitstring([<<1::4>>, <<2::4>>])
