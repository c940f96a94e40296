# Guards and BIF errors hand-made hostile inputs found wrong in session 7: each was a hang (a
# negative sleep), a wrong error, or a silent success.
show = fn f ->
  try do
    IO.inspect(f.())
  rescue
    e -> IO.inspect(e)
  catch
    kind, value -> IO.inspect({kind, value})
  end
end

show.(fn -> :timer.sleep(-5) end)
show.(fn -> Process.sleep(-5) end)
show.(fn -> Process.sleep(1.5) end)
show.(fn -> Process.send_after(self(), :x, -1) end)
show.(fn -> Process.send_after(self(), :x, 2 ** 62) end)
show.(fn -> Process.send_after(self(), :x, 1.5) end)
show.(fn -> is_reference(:erlang.send_after(4_294_967_296, self(), :later)) end)
:erlang.send_after(10, self(), :from_erlang_send_after)
Process.send_after(self(), :from_process_send_after, 5)
receive do m -> IO.inspect(m) end
receive do m -> IO.inspect(m) end

for name <- [nil, true, false, :undefined] do
  show.(fn -> Process.register(self(), name) end)
end
show.(fn -> :erlang.register(:undefined, self()) end)
Process.register(self(), :robust_main)
show.(fn ->
  try do
    Process.register(spawn(fn -> :ok end), :robust_main)
  rescue
    e -> String.replace(Exception.message(e), ~r/#PID<[0-9.]+>/, "#PID<...>")
  end
end)
show.(fn -> send(:nobody_has_this_name, :hi) end)

t = Task.async(fn -> :done end)
show.(fn -> Task.await(t, -3) end)
show.(fn -> Task.yield(t, :soon) end)
show.(fn -> Task.await_many([t], -1) end)
show.(fn -> Task.await(t, 1000) end)

show.(fn -> Tuple.duplicate(0, -1) end)
show.(fn -> Tuple.duplicate(0, :a) end)
show.(fn -> :erlang.make_tuple(-1, 0) end)
show.(fn -> String.to_existing_atom("robust7_never_made_anywhere") end)
show.(fn -> :erlang.binary_to_existing_atom("robust7_never_made_either", :utf8) end)
show.(fn -> List.to_existing_atom('robust7_never_made_list') end)
show.(fn -> :erlang.list_to_existing_atom('robust7_never_made_list2') end)
show.(fn -> String.to_existing_atom("robust_main") end)

IO.puts(Regex.replace(~r/(\d+)-(\d+)?/, "10-20 30- x", fn whole, a, b -> "[#{whole}|#{a}|#{b}]" end))
IO.puts(Regex.replace(~r/a/, "banana", fn _ -> ["<", ?A, ">"] end, global: false))
IO.puts(Regex.replace(~r/a/, "banana", fn -> "no args" end))
IO.puts(Regex.replace(~r/a/, "banana", "\\0\\0"))
IO.puts(Regex.replace(~r/\d/, "a1b2", "#"))
IO.puts(Regex.replace(~r/\d/, "a1b2", "#", global: false))
show.(fn -> Regex.replace(~r/a/, "banana", fn _ -> :x end) end)
IO.puts("halting")
IO.write("without a newline")
System.halt(7)
IO.puts("never printed")
