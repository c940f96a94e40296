# term_to_binary writes OTP 25's external format byte for byte; binary_to_term reads it back.
terms = [
  0, 255, 256, -1, 2_147_483_647, 2_147_483_648, -2_147_483_648, -2_147_483_649,
  123_456_789_012_345_678_901_234_567_890, -(2 ** 2000), 1.5, -0.0, 1.0e300,
  :ok, :"", :"é", :"Elixir.Foo", true, nil,
  {}, {1, {2, 3}}, [], [1, 2, 3], 'abc', [1, 1000], [1 | 2], ["a", :b],
  "", "héllo", <<1, 2, 3::4>>, <<1::1>>,
  %{}, %{b: 1, a: [1, 2], c: "x"}, %{1 => 2, "k" => :v, {1} => []},
  Map.new(1..40, fn i -> {i, i * i} end),
  &Enum.map/2, &:lists.reverse/1
]
for t <- terms do
  bin = :erlang.term_to_binary(t)
  IO.inspect(bin, limit: :infinity)
  back = :erlang.binary_to_term(bin)
  IO.puts("#{back === t} #{:erlang.external_size(t) == byte_size(bin)}")
end
IO.inspect(:erlang.term_to_binary(:ok, minor_version: 2))
IO.inspect(:erlang.term_to_binary(:"é", [{:minor_version, 2}]))
IO.inspect(:erlang.term_to_binary(2.5, minor_version: 0))
IO.inspect(:erlang.binary_to_term(<<131, 97, 1, 99, 100>>, [:used]))
IO.inspect(:erlang.binary_to_term(<<131, 115, 2, 111, 107>>))
IO.inspect(:erlang.binary_to_term(<<131, 99, 49, 46, 53, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 101, 43, 48, 48, 0, 0, 0, 0, 0>>))
pid = :erlang.binary_to_term(:erlang.term_to_binary(self()))
IO.puts(pid == self())
ref = make_ref()
IO.puts(:erlang.binary_to_term(:erlang.term_to_binary(ref)) == ref)
IO.puts(byte_size(:erlang.term_to_binary(self())))
IO.puts(byte_size(:erlang.term_to_binary(ref)))
for bad <- [<<1, 2>>, <<131>>, <<131, 104, 2, 97>>, <<131, 255>>, :x, <<131, 116, 0, 0, 0, 2, 97, 1, 97, 1, 97, 1, 97, 2>>] do
  try do
    :erlang.binary_to_term(bad)
  rescue
    e -> IO.puts(Exception.message(e))
  end
end
try do
  :erlang.term_to_binary(1, [:bogus])
rescue
  e -> IO.inspect(e)
end
