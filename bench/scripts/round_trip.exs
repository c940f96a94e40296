# 200k message round trips between two processes.
defmodule Echo do
  def loop do
    receive do
      {:ping, from, i} -> send(from, {:pong, i}); loop()
      :stop -> :ok
    end
  end
end
n = 200_000
echo = spawn(&Echo.loop/0)
sum = Enum.reduce(1..n, 0, fn i, acc ->
  send(echo, {:ping, self(), i})
  receive do {:pong, ^i} -> acc + i end
end)
send(echo, :stop)
IO.puts("checksum #{sum}")
