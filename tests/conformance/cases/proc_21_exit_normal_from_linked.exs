# Exit signals: exit(:normal) in a linked process is not propagated; the caller keeps running
spawn_link(fn -> exit(:normal) end)
Process.sleep(100)
IO.puts("caller unaffected by a linked exit(:normal)")
Process.flag(:trap_exit, true)
pid = spawn_link(fn -> exit(:normal) end)
receive do
  {:EXIT, ^pid, :normal} -> IO.puts("trapping caller saw {:EXIT, pid, :normal}")
end
