x = <<1, 2::size(3), "a"::binary>>
s = ~s(a\nb)
f = &(&1 + 1)
%{a: 1}[:a] |> IO.inspect()
