# Processes: messages from one sender to one receiver arrive in the order sent
parent = self()
spawn(fn -> for i <- 1..20, do: send(parent, {:n, i}) end)
received = for _ <- 1..20 do
  receive do
    {:n, i} -> i
  end
end
IO.inspect(received == Enum.to_list(1..20), label: "in order")
