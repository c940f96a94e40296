# Processes: registered names, whereis, sending to a name, names released on exit
pid = spawn(fn ->
  receive do
    {:hello, from} -> send(from, :hi_back)
  end
end)
Process.register(pid, :greeter)
IO.inspect(Process.whereis(:greeter) == pid, label: "whereis")
send(:greeter, {:hello, self()})
receive do
  :hi_back -> IO.puts("named send works")
end
Process.sleep(50)
IO.inspect(Process.whereis(:greeter), label: "after exit")
result = try do
  send(:nobody, :msg)
rescue
  e in ArgumentError -> :badarg
end
IO.inspect(result, label: "send to unknown name")
