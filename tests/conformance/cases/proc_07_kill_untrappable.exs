# Exit signals: :kill kills even a trapping process, and its links see :killed
Process.flag(:trap_exit, true)
victim = spawn_link(fn ->
  Process.flag(:trap_exit, true)
  Process.sleep(:infinity)
end)
Process.sleep(50)
Process.exit(victim, :kill)
receive do
  {:EXIT, ^victim, reason} -> IO.inspect(reason, label: "link saw")
end
IO.inspect(Process.alive?(victim))
