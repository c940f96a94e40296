# spawn/1 and spawn_link/1 take a fun of the wrong arity, as on the BEAM, and the new process
# dies of badarity; spawn_monitor/1 refuses it.
Logger.configure(level: :none)
Process.flag(:trap_exit, true)
p = spawn_link(fn x -> x end)
IO.inspect(is_pid(p))
Process.sleep(100)
{:messages, [{:EXIT, ^p, {{:badarity, {f, args}}, _stack}}]} = Process.info(self(), :messages)
IO.inspect({is_function(f, 1), args})
IO.inspect(is_pid(spawn(fn _x, _y -> :ok end)))

for f <- [fn -> spawn_monitor(fn x -> x end) end, fn -> spawn(:not_a_fun) end] do
  try do
    f.()
  rescue
    e -> IO.inspect(e.__struct__)
  end
end
