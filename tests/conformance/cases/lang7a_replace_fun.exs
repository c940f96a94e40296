# Regex.replace/3,4 and String.replace/3,4 with a function replacement (the whole match and as
# many captures as the function's arity; "" for a group that did not match), and binary ones.
IO.inspect(Regex.replace(~r/(\d+)/, "a1b22c333", fn _, d -> "<#{String.length(d)}>" end))
IO.inspect(Regex.replace(~r/(\d+)/, "a1b22c333", fn whole -> "[#{whole}]" end, global: false))
IO.inspect(Regex.replace(~r/(a)|(b)/, "ab", fn w, x, y -> "#{w}:#{x}:#{y};" end))
IO.inspect(Regex.replace(~r/(?<first>\w+) (?<last>\w+)/, "John Smith", "\\2, \\1"))
IO.inspect(String.replace("a-b-c", "-", fn m -> m <> m end))
IO.inspect(String.replace("a-b_c", ["-", "_"], fn m -> "<#{m}>" end, global: false))
IO.inspect(String.replace("hello world", ~r/o/, &String.upcase/1))
IO.inspect(String.replace("abc", "", "-"))
IO.inspect(String.replace("aaa", "a", "b", global: false))
