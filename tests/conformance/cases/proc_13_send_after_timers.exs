# Processes: Process.send_after and cancel_timer on the virtual clock
Process.send_after(self(), :later, 300)
Process.send_after(self(), :sooner, 100)
t = Process.send_after(self(), :cancelled, 200)
IO.inspect(is_integer(Process.cancel_timer(t)), label: "cancelled in time")
for _ <- 1..2 do
  receive do
    msg -> IO.inspect(msg)
  end
end
receive do
  :cancelled -> IO.puts("should not arrive")
after
  300 -> IO.puts("no cancelled message")
end
{us, _} = :timer.tc(fn -> Process.sleep(2000) end)
IO.inspect(round(us / 1_000_000), label: "seconds slept")
