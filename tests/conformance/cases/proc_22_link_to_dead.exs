# Links: linking to a dead process: a trapping caller gets true and {:EXIT, pid, :noproc}; a non-trapping one raises
dead = spawn(fn -> :ok end)
Process.sleep(50)
Process.flag(:trap_exit, true)
IO.inspect(Process.link(dead), label: "link while trapping")
receive do
  {:EXIT, ^dead, reason} -> IO.inspect(reason, label: "exit message")
after
  100 -> IO.puts("no exit message")
end
Process.flag(:trap_exit, false)
result = try do
  Process.link(dead)
rescue
  e in ErlangError -> {:error, e.original}
end
IO.inspect(result, label: "link without trapping")
