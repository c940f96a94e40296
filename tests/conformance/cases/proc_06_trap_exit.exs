# Exit signals: a trapping process receives {:EXIT, pid, reason} instead of dying
Process.flag(:trap_exit, true)
pid = spawn_link(fn -> exit(:crashed) end)
receive do
  {:EXIT, ^pid, reason} -> IO.inspect(reason, label: "trapped")
end
pid2 = spawn_link(fn -> :done end)
receive do
  {:EXIT, ^pid2, reason} -> IO.inspect(reason, label: "trapped normal")
end
IO.puts("still alive")
