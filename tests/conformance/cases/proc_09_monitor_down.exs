# Monitors: DOWN with the exit reason, :noproc for a dead target, demonitor with :flush
defmodule Mon do
  def run do
    pid = spawn(fn -> Process.sleep(50); exit(:finished) end)
    ref = Process.monitor(pid)
    receive do
      {:DOWN, ^ref, :process, ^pid, reason} -> IO.inspect(reason, label: "DOWN reason")
    end

    ref2 = Process.monitor(pid)
    receive do
      {:DOWN, ^ref2, :process, _, reason} -> IO.inspect(reason, label: "monitor of dead pid")
    end

    quick = spawn(fn -> :ok end)
    ref3 = Process.monitor(quick)
    Process.sleep(50)
    Process.demonitor(ref3, [:flush])
    receive do
      {:DOWN, ^ref3, _, _, _} -> IO.puts("DOWN was not flushed")
    after
      0 -> IO.puts("DOWN flushed")
    end

    {pid4, ref4} = spawn_monitor(fn -> raise "oops" end)
    receive do
      {:DOWN, ^ref4, :process, ^pid4, {%RuntimeError{message: msg}, _stack}} -> IO.puts("spawn_monitor saw: #{msg}")
    end
  end
end
Logger.configure(level: :none)
Mon.run()
