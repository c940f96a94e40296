# Processes: ten thousand processes each answer once
parent = self()
pids = for i <- 1..10_000, do: spawn(fn -> send(parent, {:done, i}) end)
total = Enum.reduce(1..10_000, 0, fn _, acc ->
  receive do
    {:done, i} -> acc + i
  end
end)
IO.inspect(length(pids))
IO.inspect(total)
