# GenServer.call to an unregistered name as the script's last expression: the banner's stack is GenServer.call/3 at line 1027 with no (file) frame (a tail call)
IO.puts("calling")
GenServer.call(:nobody_home, :hello)
