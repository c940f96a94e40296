# :erlang.phash2/1,2 of every kind of term as the BEAM hashes it, and PartitionSupervisor routing by it
import Bitwise
terms = [
  0, 1, -1, 42, 255, 256, 1000, -1000, 134217727, 134217728, -134217728, -134217729,
  (1 <<< 40), -(1 <<< 40), (1 <<< 59) - 1, (1 <<< 62), (1 <<< 63) - 1, -(1 <<< 63),
  (1 <<< 64), (1 <<< 64) + 7, -(1 <<< 64), (1 <<< 100) + 12345, -(1 <<< 130) - 99, 123456789012345678901234567890,
  0.0, 1.0, -1.5, 3.14159, 1.0e300, 2.5e-300,
  :a, :ok, :error, :hello_world, :"Elixir.Foo", Foo.Bar, true, false, nil, :"héllo", :"日本",
  "", "a", "abc", "hello world", "0123456789ab", "0123456789abcdefghijklmnopqrstuvwxyz", "héllo", <<0, 255, 128>>,
  <<1::1>>, <<5::3>>, <<"ab", 3::2>>, <<255, 1::7>>,
  [], [1], [1, 2, 3], 'abc', 'abcd', 'abcde', 'hello world', [256], [1, 256, 2], [:a, :b], [1 | 2], [[], []], [[]], [1, [2, [3]]], ["a", "b"], [-1], [1.0],
  {}, {1}, {1, 2}, {:ok, "value"}, {:a, {:b, {:c}}}, {[], %{}},
  %{}, %{a: 1}, %{a: 1, b: 2}, %{"k" => [1, 2], 3 => :x}, %{{1, 2} => %{c: nil}},
  Map.new(1..40, fn i -> {i, i * i} end), Map.new(1..100, fn i -> {"k#{i}", [i]} end),
  {:via, Registry, {MyReg, "key"}}, {:user, 123}, [a: 1, b: 2], MapSet.new([1, 2, 3]), 1..10,
  &IO.puts/1, &Enum.map/2, &:erlang.phash2/2, &:lists.reverse/1
]
for t <- terms do
  IO.puts("#{inspect(t, limit: :infinity)} #{:erlang.phash2(t)} #{:erlang.phash2(t, 7)} #{:erlang.phash2(t, 4294967296)}")
end

# PartitionSupervisor routes integer keys by rem(abs(key), partitions) and every other key by
# :erlang.phash2(key, partitions): each Agent holds its partition index.
{:ok, _} =
  PartitionSupervisor.start_link(
    child_spec: Agent.child_spec(fn -> :unused end),
    name: Buckets,
    partitions: 5,
    with_arguments: fn [_fun], partition -> [fn -> partition end] end
  )

keys = [0, 3, -7, 12, (1 <<< 70) + 1, :alice, "bob", {:user, 42}, [1, 2], %{id: 9}, 2.5, "carol", :dave]
for key <- keys do
  partition = Agent.get({:via, PartitionSupervisor, {Buckets, key}}, & &1)
  IO.puts("#{inspect(key)} -> partition #{partition}")
end

for range <- [0, -1, :a, 4294967297] do
  try do
    :erlang.phash2(:x, range)
  rescue
    e in ArgumentError -> IO.puts("phash2(:x, #{inspect(range)}): " <> Exception.message(e))
  end
end
