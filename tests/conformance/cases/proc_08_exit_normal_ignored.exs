# Exit signals: exit(pid, :normal) is ignored by a non-trapping process, delivered to a trapping one
plain = spawn(fn -> Process.sleep(:infinity) end)
Process.exit(plain, :normal)
Process.sleep(50)
IO.inspect(Process.alive?(plain), label: "non-trapping alive")
parent = self()
trapping = spawn(fn ->
  Process.flag(:trap_exit, true)
  send(parent, :ready)
  receive do
    {:EXIT, from, reason} -> send(parent, {:got, from == parent, reason})
  end
end)
receive do: (:ready -> :ok)
Process.exit(trapping, :normal)
receive do
  {:got, from_parent, reason} -> IO.inspect({from_parent, reason}, label: "trapping got")
end
Process.exit(plain, :other_reason)
Process.sleep(50)
IO.inspect(Process.alive?(plain), label: "after abnormal exit signal")
