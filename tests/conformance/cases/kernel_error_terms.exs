# The exact error terms of two runtime errors a careless script hits: a receive with a negative
# timeout raises the bare atom :timeout_value, and Range.new/3 with a zero step names the range.
try do
  receive do
    :never -> :ok
  after
    -1 -> :negative
  end
rescue
  e -> IO.inspect(e)
catch
  kind, reason -> IO.inspect({kind, reason})
end

try do
  Range.new(1, 10, 0)
rescue
  e in ArgumentError -> IO.puts(Exception.message(e))
end

try do
  Range.new(1, :x, 1)
rescue
  e in ArgumentError -> IO.puts(Exception.message(e))
end
IO.puts("done")
