# Processes: selective receive takes the first matching message, the rest keep their order
send(self(), {:low, 1})
send(self(), {:high, 2})
send(self(), {:low, 3})
send(self(), {:high, 4})
receive do
  {:high, n} -> IO.inspect(n, label: "first high")
end
collect = fn collect, acc ->
  receive do
    msg -> collect.(collect, [msg | acc])
  after
    0 -> Enum.reverse(acc)
  end
end
IO.inspect(collect.(collect, []))
