IO.puts "start"
spawn_link(fn -> exit({:shutdown, :boom}) end)
Process.sleep(100)
IO.puts "not reached"
