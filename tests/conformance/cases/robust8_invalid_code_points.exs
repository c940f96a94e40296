# to_string/1 and interpolation of a list with a code point that is not a Unicode scalar value
# raise UnicodeConversionError, as List.to_string/1 does; other non-chardata is an ArgumentError.
for f <- [fn -> to_string([?a, 256, 1_114_112]) end, fn -> "#{[0xD800]}" end,
          fn -> IO.chardata_to_string([?x, 0xDFFF]) end, fn -> List.to_string([0x110000]) end,
          fn -> to_string(["ok", [?!, 0x10FFFF]]) end, fn -> IO.chardata_to_string(["a", [98]]) end] do
  try do
    IO.inspect(f.())
  rescue
    e -> IO.puts(inspect(e.__struct__) <> ": " <> Exception.message(e))
  end
end
try do
  to_string([:atom])
rescue
  e -> IO.puts(inspect(e.__struct__))
end
