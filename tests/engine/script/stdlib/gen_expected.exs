# Regenerates expected.txt from cases.txt with real Elixir (1.14):
#   elixir gen_expected.exs cases.txt expected.txt
[cases_path, out_path] = System.argv()

opts = [structs: false, limit: :infinity, printable_limit: :infinity, charlists: :as_lists,
        pretty: false, width: :infinity]

lines =
  cases_path
  |> File.read!()
  |> String.split("\n", trim: true)
  |> Enum.reject(&String.starts_with?(&1, "#"))

out =
  for line <- lines do
    result =
      try do
        {value, _} = Code.eval_string(line)
        "ok\t" <> inspect(value, opts)
      rescue
        e -> "raise\t" <> inspect(e, opts)
      end

    line <> "\t" <> result
  end

File.write!(out_path, Enum.join(out, "\n") <> "\n")
