# :unicode.characters_to_binary/1,2,3 and characters_to_list/1,2: chardata in any nesting,
# latin1 in and out, and OTP's {:error, converted, rest} / {:incomplete, converted, rest}.
IO.inspect(:unicode.characters_to_binary(["abc", [233, "é"], 0x1F600]))
IO.inspect(:unicode.characters_to_binary(["ab", [-1, "x"], "y"]))
IO.inspect(:unicode.characters_to_binary(<<"ab", 0xC3>>))
IO.inspect(:unicode.characters_to_binary(<<"ab", 0xFF, "cd">>))
IO.inspect(:unicode.characters_to_binary("é", :utf8, :latin1))
IO.inspect(:unicode.characters_to_binary(<<233>>, :latin1))
IO.inspect(:unicode.characters_to_binary([300, "x"], :unicode, :latin1))
IO.inspect(:unicode.characters_to_binary(''))
IO.inspect(:unicode.characters_to_list("héllo"))
IO.inspect(:unicode.characters_to_list(["a", [98], "c"]))
IO.inspect(:unicode.characters_to_list(<<233, 97>>, :latin1))
name = "naïve café — 日本語"
IO.puts(:unicode.characters_to_binary(String.to_charlist(name)) == name)

for bad <- [:foo, ["a" | :b], [{:x}]] do
  try do
    :unicode.characters_to_binary(bad)
  rescue
    e in ArgumentError -> IO.puts(Exception.message(e))
  end
end
