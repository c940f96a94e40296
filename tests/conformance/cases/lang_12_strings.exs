# Language: strings, interpolation, escapes and the String module
name = "world"
IO.puts("hello #{name}, #{1 + 2} #{:atom} #{[1, 2] |> length()}")
IO.puts("tab\there\nnew line")
IO.inspect("quote \" inside")
IO.inspect(String.split("a,b,,c", ","))
IO.inspect(String.split("  spaced   words  "))
IO.inspect(String.replace("hello", "l", "L"))
IO.inspect(String.upcase("abc") <> String.downcase("DEF"))
IO.inspect(String.starts_with?("elixir", "eli"))
IO.inspect(String.contains?("elixir", "xi"))
IO.inspect(String.to_integer("123") + 1)
IO.inspect(String.pad_leading("7", 3, "0"))
IO.inspect(String.duplicate("ab", 3))
IO.inspect(String.reverse("stressed"))
IO.inspect(String.slice("hello world", 6, 5))
IO.inspect(String.length("héllo"))
IO.inspect(byte_size("héllo"))
IO.inspect(String.capitalize("elixir"))
IO.inspect(to_string(42) <> to_string(:ok) <> to_string(1.5))
IO.inspect(String.graphemes("abc"))
IO.puts("""
heredoc line 1
  indented #{name}
""")
