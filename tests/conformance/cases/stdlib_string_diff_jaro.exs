# String.myers_difference/2, List.myers_difference/2 and String.jaro_distance/2 give Elixir's
# exact scripts and scores.
IO.inspect(String.myers_difference("fox hops over the dog", "fox jumps over the lazy cat"))
IO.inspect(String.myers_difference("abcd", "abxd"))
IO.inspect(String.myers_difference("", "new"))
IO.inspect(String.myers_difference("gone", ""))
IO.inspect(String.myers_difference("same", "same"))
IO.inspect(String.myers_difference("héllo wörld", "hello world!"))
IO.inspect(String.myers_difference("aaa", "aaaa"))
IO.inspect(String.myers_difference("abcabba", "cbabac"))
IO.inspect(List.myers_difference([1, 4, 2, 3], [1, 2, 3, 4]))
IO.inspect(List.myers_difference([:a, :b], [:c]))
IO.inspect(List.myers_difference([1, 2, 3, 2, 1], [3, 2, 1, 2, 3]))

pairs = [
  {"martha", "marhta"}, {"dwayne", "duane"}, {"dixon", "dicksonx"}, {"same", "same"},
  {"", "x"}, {"x", ""}, {"a", "b"}, {"abc", "cba"}, {"jellyfish", "smellyfish"},
  {"crate", "trace"}, {"élan", "elan"}, {"ab", "ba"}, {"kitten", "sitting"}
]

for {a, b} <- pairs do
  IO.puts("#{a} ~ #{b}: #{String.jaro_distance(a, b)}")
end

for {a, b} <- [{"abc", "abd"}, {"foo", "bar"}, {"", "x"}, {"aab", "abb"}, {"héllo", "hello"}, {"same", "same"}] do
  IO.puts("bag #{a} ~ #{b}: #{String.bag_distance(a, b)}")
end
