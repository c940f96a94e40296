r = Process.send_after(self(), :x, 500)
IO.inspect Process.cancel_timer(r, async: true)
receive do {:cancel_timer, ^r, l} -> IO.inspect(is_integer(l)) after 50 -> IO.puts("none") end
IO.inspect Process.cancel_timer(r, async: true)
receive do {:cancel_timer, ^r, l} -> IO.inspect(l) after 50 -> IO.puts("none") end
r2 = Process.send_after(self(), :y, 500)
IO.inspect Process.cancel_timer(r2, async: true, info: false)
receive do {:cancel_timer, _, l} -> IO.inspect(l) after 50 -> IO.puts("none") end
r3 = Process.send_after(self(), :y, 500)
IO.inspect Process.cancel_timer(r3, info: false)
IO.inspect :erlang.cancel_timer(r3, async: true)
receive do {:cancel_timer, _, l} -> IO.inspect(l) after 50 -> IO.puts("none") end
