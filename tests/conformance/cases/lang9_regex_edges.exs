# Regex edge cases: interpolated sigils, newline conventions (s = anycrlf, \R), Latin-1 bytes without u, duplicate names, replacement escapes, and the errors of bad options.
x = "b+"
IO.inspect Regex.run(~r/a#{x}/, "abbb")
IO.inspect "foo" =~ "oo"
IO.inspect String.replace("a.b", ~r/\./, "\\0\\0")
IO.inspect Regex.scan(~r/(?<k>\w)=(?<v>\d)/, "a=1,b=2", capture: :all_names)
IO.inspect String.split("a,b;c d", ~r/[,; ]/, parts: 3)
IO.inspect Regex.split(~r/\s/, "a b", parts: 1)
IO.inspect Regex.run(~r/(\d+)/, "abc 123 def", capture: :all_but_first, return: :index)
IO.inspect Regex.replace(~r/^/m, "a\nb\nc", "> ")
IO.inspect Regex.replace(~r/$/m, "a\nb", ";")
IO.inspect Regex.scan(~r/\r?\n/, "a\r\nb\nc")
IO.inspect Regex.split(~r/\R/, "a\r\nb\nc")
IO.inspect String.split("a\r\nb", ~r//s)
IO.inspect Regex.scan(~r/./s, "a\r\nb")
IO.inspect Regex.scan(~r/(?=.)/s, "a\r\nb")
IO.inspect Regex.run(~r/é/i, "É")
IO.inspect Regex.run(~r/[à-ÿ]+/u, "Voilà là")
IO.inspect Regex.run(~r/\x{e9}/u, "café")
IO.inspect Regex.run(~r/caf\xe9/, "caf\xe9")
IO.inspect Regex.escape("\t\n")
IO.inspect String.match?("ABC", ~r/abc/i)
IO.inspect Enum.map(["a1", "b", "c3"], &Regex.match?(~r/\d/, &1))
IO.inspect Regex.named_captures(~r/(?<a>x)|(?<b>y)/, "y")
IO.inspect Regex.run(~r/(?<a>x)|(?<b>y)/, "y", capture: :all_names)
IO.inspect Regex.run(~r/(?J)(?<n>a)|(?<n>b)/, "b", capture: ["n"])
IO.inspect Regex.replace(~r/(b)/, "abc", "\\g{1}\\g{1}x\\11")
try do Regex.split(~r/\s/, "a b", parts: 0) rescue e -> IO.inspect(e.__struct__) end
try do Regex.compile("a", [:foo]) rescue e -> IO.inspect(e) end
try do Regex.run(~r/a/, "a", capture: :bogus) rescue e -> IO.inspect(e.__struct__) end
try do Regex.match?(~r/a/, :atom) rescue e -> IO.inspect(e.__struct__) end
IO.inspect(Regex.compile!(<<0xFF>>))
IO.inspect(Regex.compile!("caf" <> <<0xE9>> <> "|é€"))
IO.inspect(~r/é\/x/u)
IO.inspect(~r/a
b/x)
