# Processes: spawn, send, receive with patterns, after, and self()
parent = self()
pid = spawn(fn ->
  receive do
    {:ping, from} -> send(from, :pong)
  end
end)
send(pid, {:ping, parent})
receive do
  :pong -> IO.puts("got pong")
end
receive do
  :never -> IO.puts("impossible")
after
  100 -> IO.puts("timed out after 100 ms")
end
IO.inspect(is_pid(pid))
Process.sleep(10)
IO.inspect(Process.alive?(pid))
