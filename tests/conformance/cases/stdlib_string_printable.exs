# String.printable?/1,2: Elixir 1.14's codepoint ranges, the character limit, invalid UTF-8.
for s <- ["abc", "abc\x01", "tab\tand\nnewline", "héllo 日本", <<0xFF>>, "", "\d\a\e", <<0xEF, 0xBF, 0xBE>>] do
  IO.inspect({s, String.printable?(s)})
end

IO.inspect(String.printable?("abc\x01", 3))
IO.inspect(String.printable?("abc\x01", 4))
IO.inspect(String.printable?("\x01", 0))

try do
  String.printable?(:atom)
rescue
  e in FunctionClauseError -> IO.puts(Exception.message(e))
end
