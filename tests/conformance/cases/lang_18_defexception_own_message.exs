defmodule MyErr do
  defexception [:code]
  def message(%{code: c}), do: "failed with #{c}"
end
defmodule Plain do
  defexception message: "plain default"
end
try do
  raise MyErr, code: 7
rescue
  e ->
    IO.puts Exception.message(e)
    IO.puts Exception.format(:error, e, [])
    IO.puts Exception.format_banner(:error, e)
end
try do
  raise Plain
rescue
  e -> IO.puts Exception.format_banner(:error, e, [])
end
IO.puts "now uncaught"
raise MyErr, code: 9
