# OptionParser (prelude/option_parser.exs, Elixir 1.14's own code)
IO.inspect(OptionParser.parse(["--verbose", "-n", "5", "--name", "demo", "f1", "--ratio", "0.5"],
  strict: [verbose: :boolean, n: :integer, name: :string, ratio: :float]))
IO.inspect(OptionParser.parse(["--count", "3", "-v", "x"], switches: [count: :integer], aliases: [v: :verbose]))
IO.inspect(OptionParser.parse(["--unknown", "1", "--no-color"], strict: [color: :boolean]))
IO.inspect(OptionParser.parse(["-vvv", "--tag", "a", "--tag", "b"], switches: [verbose: :count, tag: :keep], aliases: [v: :verbose]))
IO.inspect(OptionParser.parse(["--limit=10", "--", "--not-an-option"], strict: [limit: :integer]))
IO.inspect(OptionParser.parse(["--source-path", "lib", "rest"], switches: [source_path: :string]))
IO.inspect(OptionParser.parse(["--n", "abc"], strict: [n: :integer]))
IO.inspect(OptionParser.parse_head(["--a", "1", "cmd", "--b", "2"], strict: [a: :integer, b: :integer]))
IO.inspect(OptionParser.next(["--debug", "x"], switches: [debug: :boolean]))
IO.inspect(OptionParser.split("--a 1 \"quoted arg\" b\\ c 'single q'"))
IO.inspect(OptionParser.parse!(["--x", "1"], strict: [x: :integer]))
IO.inspect(OptionParser.to_argv(foo: 1, bar: true, baz: false, skip: nil, long_name: "v"))
for argv <- [["--x", "abc"], ["--y"], ["--verbos"], ["--x"]] do
  try do
    OptionParser.parse!(argv, strict: [x: :integer, verbose: :boolean])
  rescue
    e in OptionParser.ParseError -> IO.puts(Exception.message(e))
  end
end
try do
  OptionParser.split("unterminated \"quote")
rescue
  e -> IO.inspect(e)
end
