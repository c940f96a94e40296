# :string's common functions: to_upper/to_lower (charlists, characters), uppercase/lowercase/
# titlecase, trim/1,2,3, split/2,3 and tokens/2, results of the argument's type.
IO.inspect(:string.to_upper('abc'))
IO.inspect(:string.to_upper(?a))
IO.inspect(:string.to_lower('ABC'))
IO.inspect(:string.uppercase("héllo"))
IO.inspect(:string.lowercase('HÉLLO'))
IO.inspect(:string.titlecase("hello"))
IO.inspect(:string.trim("  x  "))
IO.inspect(:string.trim('  x  '))
IO.inspect(:string.trim("xxhixx", :both, 'x'))
IO.inspect(:string.trim("  x  ", :leading))
IO.inspect(:string.trim("  x  ", :trailing))
IO.inspect(:string.trim("\t\n x \r\n"))
IO.inspect(:string.split("a b c", " "))
IO.inspect(:string.split("a b c", " ", :all))
IO.inspect(:string.split("a b c", " ", :trailing))
IO.inspect(:string.split("abc", "x"))
IO.inspect(:string.split('a,b', ','))
IO.inspect(:string.tokens('a,b;c', ',;'))
IO.inspect(:string.tokens(',,a,,', ','))
try do
  :string.to_upper("abc")
rescue
  e -> IO.puts(Exception.message(e))
end
